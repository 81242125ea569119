import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { webClient, errorSummary, requestIdOf, residentReference } from '../../test/support/web.ts';
import { osPlacesStandIn, SAMPLE_ADDRESSES } from '../../test/support/os-places-stand-in.ts';
import { tileServer } from '../../test/support/tile-server.ts';
import { gridToLatLong } from '../addresses/grid.ts';
import { submitRequest } from '../core/requests/submit.ts';
import { recordUpdate } from '../core/requests/record-update.ts';
import { toPixels } from './map.ts';

const tiles = await tileServer();
const ctx = await demoApp({ mapTilesUrl: tiles.url, webSubmitLimitPerMinute: 1000 });
await ctx.store.addresses.put(SAMPLE_ADDRESSES.map((a) => ({ ...a, ...gridToLatLong(a.easting, a.northing) })));
after(async () => {
  await ctx.close();
  await tiles.close();
});

async function toLocation(web: ReturnType<typeof webClient>, service = 'graffiti') {
  await web.get(`/report/${service}/question/offensive`);
  await web.post(`/report/${service}/question/offensive`, { answer: 'no' });
  return web.get(`/report/${service}/location`);
}

test('find an address by postcode, choose it, mark the place on the no-JavaScript map, and the report carries UPRN, grid reference and lat/long', async () => {
  const web = webClient(ctx.app);
  const page = await toLocation(web);
  assert.match(page.body, /Find the address/);
  const found = await web.get('/report/graffiti/location?find=ex1%201aa');
  assert.equal(found.statusCode, 200);
  assert.equal((found.body.match(/name="uprn"/g) ?? []).length, 12);
  assert.match(found.body, /Select the address \(12 found\)/);
  assert.match(found.body, /href="#address">I cannot find the address in the list/);

  const chosen = await web.post('/report/graffiti/location', { uprn: '100023000003', find: 'EX1 1AA' });
  assert.equal(chosen.statusCode, 303);
  assert.equal(chosen.headers.location, '/report/graffiti/location#map');
  const withMap = await web.get('/report/graffiti/location');
  assert.match(withMap.body, /3 High Street, Exampleton/);
  const tileNames = [...withMap.body.matchAll(/<input type="image" class="pw-map__tile" name="(tile_18_\d+_\d+)"/g)].map((m) => m[1]);
  assert.equal(tileNames.length, 4, 'a 2 × 2 grid of clickable tiles');

  // A click on a tile (as a browser without JavaScript sends it) moves the point there.
  const [, z, x, y] = /tile_(\d+)_(\d+)_(\d+)/.exec(tileNames[3])!.map(Number);
  const clicked = await web.post('/report/graffiti/location', { [`${tileNames[3]}.x`]: '128', [`${tileNames[3]}.y`]: '64' });
  assert.equal(clicked.statusCode, 303);
  const moved = await web.get('/report/graffiti/location');
  const lat = Number(/id="lat" value="([-\d.]+)"/.exec(moved.body)![1]);
  const long = Number(/id="long" value="([-\d.]+)"/.exec(moved.body)![1]);
  const p = toPixels(lat, long, z);
  assert.ok(Math.abs(p.x - (x * 256 + 128)) < 1 && Math.abs(p.y - (y * 256 + 64)) < 1, 'the point is where the tile was clicked');

  // The address is kept; on to the next pages, then send.
  const cont = await web.post('/report/graffiti/location', { address: /id="address"[^>]*>([^<]*)</.exec(moved.body)![1].trim(), postcode: 'EX1 1AA', lat: String(lat), long: String(long) });
  assert.equal(cont.headers.location, '/report/graffiti/contact');
  await web.post('/report/graffiti/contact', {});
  const check = await web.get('/report/graffiti/check');
  assert.match(check.body, /3 High Street, Exampleton/);
  const sent = await web.post('/report/graffiti/check', {});
  const reference = /id="reference">([^<]+)</.exec((await web.get(sent.headers.location as string)).body)![1];
  const request = (await ctx.store.requests.get('example', (await requestIdOf(ctx.store, reference))!))!;
  assert.equal(request.location.uprn, '100023000003');
  assert.equal(request.location.addressId, '100023000003');
  assert.equal(request.location.address, '3 High Street, Exampleton');
  assert.equal(request.location.zipcode, 'EX1 1AA');
  assert.ok(request.location.easting! > 529000 && request.location.northing! > 179000, 'grid reference of the marked point');
  assert.equal(request.location.lat, lat);
});

test('address lookup errors are GOV.UK errors, and the address can always be typed in', async () => {
  const web = webClient(ctx.app);
  await toLocation(web);
  const none = await web.get('/report/graffiti/location?find=ZZ9%209ZZ');
  assert.equal(none.statusCode, 400);
  assert.deepEqual(errorSummary(none.body), [{ href: '#find', text: 'We cannot find an address for ‘ZZ9 9ZZ’. Check it, or enter the address below' }]);
  assert.match(none.body, /id="address"/, 'the manual form is still there');
  const empty = await web.get('/report/graffiti/location?find=');
  assert.deepEqual(errorSummary(empty.body), [{ href: '#find', text: 'Enter a postcode or a street name' }]);
  const street = await web.get('/report/graffiti/location?find=station%20rd');
  assert.equal((street.body.match(/name="uprn"/g) ?? []).length, 2, 'by street too');
  const unchosen = await web.post('/report/graffiti/location', { choose: '1', find: 'EX1 1AA' });
  assert.deepEqual(errorSummary(unchosen.body), [{ href: '#uprn', text: 'Select the address' }]);
  assert.equal((unchosen.body.match(/name="uprn"/g) ?? []).length, 12, 'the list is shown again');
  const forged = await web.post('/report/graffiti/location', { uprn: '999', find: 'EX1 1AA' });
  assert.equal(forged.statusCode, 400);
  assert.deepEqual(errorSummary(forged.body), [{ href: '#uprn', text: 'Select the address' }]);
  const typed = await web.post('/report/graffiti/location', { address: 'The bus shelter on Mill Lane', postcode: '', lat: '', long: '' });
  assert.equal(typed.headers.location, '/report/graffiti/contact');
});

test('OS Places as the address source, and what residents see when it is down', async () => {
  const os = await osPlacesStandIn(SAMPLE_ADDRESSES);
  const app = await demoApp({ addressSource: 'os-places', osPlacesApiKey: os.key, osPlacesBaseUrl: os.baseUrl });
  const down = await demoApp({ addressSource: 'os-places', osPlacesApiKey: 'k', osPlacesBaseUrl: 'http://127.0.0.1:9/search/places/v1' });
  try {
    const web = webClient(app.app);
    await toLocation(web);
    const found = await web.get('/report/graffiti/location?find=EX1%202BB');
    assert.equal((found.body.match(/name="uprn"/g) ?? []).length, 2);
    assert.equal((await web.post('/report/graffiti/location', { uprn: '100023000101' })).headers.location, '/report/graffiti/contact');
    assert.equal(os.requests.at(-1)!.pathname, '/search/places/v1/uprn');

    const web2 = webClient(down.app);
    await toLocation(web2);
    const page = await web2.get('/report/graffiti/location?find=EX1%202BB');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /We cannot look up addresses at the moment/);
    assert.match(page.body, /id="address"/);
  } finally {
    await app.close();
    await down.close();
    await os.close();
  }
});

test('map tiles are served from /assets/tiles/ through Pipework; a broken tile server is a 502, a tile out of range a 404', async () => {
  const tile = await ctx.app.inject({ url: '/assets/tiles/18/130980/87150.png' });
  assert.equal(tile.statusCode, 200);
  assert.equal(tile.headers['content-type'], 'image/png');
  assert.deepEqual(tile.rawPayload, tiles.png);
  assert.ok(tiles.asked.includes('/18/130980/87150.png'));
  assert.equal((await ctx.app.inject({ url: '/assets/tiles/3/9/1.png' })).statusCode, 404);
  assert.equal((await ctx.app.inject({ url: '/assets/tiles/x/1/1.png' })).statusCode, 404);
  const broken = await demoApp({ mapTilesUrl: tiles.brokenUrl });
  try {
    assert.equal((await broken.app.inject({ url: '/assets/tiles/18/130980/87150.png' })).statusCode, 502);
  } finally {
    await broken.close();
  }
  assert.equal((await ctx.app.inject({ url: '/assets/leaflet/leaflet.js' })).statusCode, 200);
  assert.equal((await ctx.app.inject({ url: '/assets/leaflet/package.json' })).statusCode, 404);
});

test('open reports of the same service nearby are shown before going on, each linked to its public page; closed and other services are not', async () => {
  const near = SAMPLE_ADDRESSES[4];
  const at = gridToLatLong(near.easting, near.northing);
  const make = (serviceCode: string, lat: number) =>
    submitRequest(ctx.store, { jurisdictionId: 'example', serviceCode, attributes: serviceCode === 'graffiti' ? { offensive: 'no' } : { fault: 'out' }, location: { lat: String(lat), long: String(at.long), address: 'Wall by 5 High Street' }, contact: { email: 'first@example.com' }, mediaUrls: [], source: 'open311' });
  const open = await make('graffiti', at.lat);
  const fixed = await make('graffiti', at.lat + 0.0001);
  await recordUpdate(ctx.store, { requestId: fixed.id, jurisdictionId: 'example', status: 'fixed', description: '', mediaUrls: [], authorKind: 'staff', contact: {} });
  const light = await make('street_light', at.lat);
  const far = await make('graffiti', at.lat + 0.01); // about a kilometre north

  const web = webClient(ctx.app);
  await toLocation(web);
  const typed = await web.post('/report/graffiti/location', { address: 'Outside 5 High Street', postcode: '', lat: String(at.lat), long: String(at.long) });
  assert.equal(typed.headers.location, '/report/graffiti/nearby');
  const page = await web.get('/report/graffiti/nearby');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Is it one of these\?/);
  const listed = [...page.body.matchAll(/href="\/reports\/([2-9A-Z-]{9})"/g)].map((m) => m[1]);
  assert.equal(listed[0], await residentReference(ctx.store, open.id), 'the nearest open graffiti report first');
  const fixedNow = (await ctx.store.requests.get('example', fixed.id))!.status;
  const absent: [string, string][] = [[far.id, 'a kilometre away'], [light.id, 'another service'], [fixed.id, 'fixed']];
  for (const [id, why] of absent) assert.ok(!listed.includes(await residentReference(ctx.store, id)), `not listed: ${why}`);
  assert.equal(fixedNow, 'fixed', 'the pattern lets graffiti go from open to fixed');
  assert.doesNotMatch(page.body, /first@example\.com/);
  assert.match(page.body, /<button type="submit" name="join" class="govuk-button"[^>]*>\s*It is a different problem/);
  const publicPage = await web.get(`/reports/${listed[0]}`);
  assert.equal(publicPage.statusCode, 200);
  assert.equal((publicPage.body.match(/<img class="pw-map__tile pw-map__tile--still" src="\/assets\/tiles\/18\//g) ?? []).length, 4, 'the public page shows where it is');
  assert.match(publicPage.body, /role="region" tabindex="0" aria-label="Map of where the problem is, marked with a red dot"/);

  const unpublished = await demoApp({ webPublicReports: 'none' });
  try {
    await submitRequest(unpublished.store, { jurisdictionId: 'example', serviceCode: 'graffiti', attributes: { offensive: 'no' }, location: { lat: String(at.lat), long: String(at.long) }, contact: {}, mediaUrls: [], source: 'open311' });
    const other = webClient(unpublished.app);
    await toLocation(other);
    const res = await other.post('/report/graffiti/location', { address: 'Outside 5 High Street', postcode: '', lat: String(at.lat), long: String(at.long) });
    assert.equal(res.headers.location, '/report/graffiti/contact', 'reports not published: none shown');
  } finally {
    await unpublished.close();
  }
});
