import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshStore } from '../../test/support/db.ts';
import { osPlacesStandIn, SAMPLE_ADDRESSES, sampleGazetteerCsv } from '../../test/support/os-places-stand-in.ts';
import { pipework } from '../../test/support/cli.ts';
import { importGazetteer } from './import.ts';
import { osPlaces, AddressServiceError } from './os-places.ts';
import { addressLookup } from './lookup.ts';

const store = await freshStore();
after(() => store.close());
const dir = mkdtempSync(join(tmpdir(), 'pipework-gazetteer-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

test('a gazetteer CSV is imported; bad lines are reported and skipped; lookups by postcode, street and UPRN', async () => {
  const csv = sampleGazetteerCsv() + '999,"1 Nowhere, Exampleton",Nowhere,Exampleton,NOT A POSTCODE,529000,179600\r\nabc,2 Nowhere,Nowhere,Exampleton,EX1 1AA,529000,179600\r\n100023999999,3 Nowhere,Nowhere,Exampleton,EX1 1AA,,179600\r\n';
  const r = await importGazetteer(file('llpg.csv', csv), store.addresses);
  assert.equal(r.imported, SAMPLE_ADDRESSES.length);
  assert.deepEqual(r.problems.map((p) => p.line), [16, 17, 18]);
  assert.match(r.problems[0].message, /is not a postcode/);

  const found = await store.addresses.byPostcode('ex11aa', 100);
  assert.equal(found.length, 12);
  const one = found.find((a) => a.uprn === '100023000001')!;
  assert.equal(one.address, '1 High Street, Exampleton, EX1 1AA');
  assert.ok(Math.abs(one.lat - 51.5) < 0.01 && Math.abs(one.long - -0.14) < 0.01, 'converted to WGS84');
  assert.deepEqual((await store.addresses.byStreet('station rd', 10)).map((a) => a.uprn).sort(), ['100023000100', '100023000101']);
  assert.equal((await store.addresses.byUprn('100023000101'))?.postcode, 'EX1 2BB');
  assert.deepEqual(await store.addresses.byPostcode('ZZ9 9ZZ', 10), []);

  // Importing again replaces by UPRN: nothing doubles.
  await importGazetteer(file('again.csv', sampleGazetteerCsv()), store.addresses);
  assert.equal(await store.addresses.count(), SAMPLE_ADDRESSES.length);
  const lookup = addressLookup({ addressSource: 'gazetteer', osPlacesApiKey: '', osPlacesBaseUrl: '' }, store);
  assert.equal((await lookup.byPostcode('EX1 2BB', 100)).length, 2);
});

test('a file without the columns it needs is refused with what is missing', async () => {
  await assert.rejects(importGazetteer(file('wrong.csv', 'ID,NAME\n1,x\n'), store.addresses), /missing: uprn, postcode, easting, northing, address/);
  await assert.rejects(importGazetteer(file('empty.csv', ''), store.addresses), /empty/);
});

test('the OS Places API, through a stand-in written from its published description', async () => {
  const os = await osPlacesStandIn(SAMPLE_ADDRESSES);
  try {
    const places = osPlaces({ baseUrl: os.baseUrl, key: os.key });
    const found = await places.byPostcode('EX1 1AA', 100);
    assert.equal(found.length, 12);
    assert.equal(found[0].street, 'High Street', 'capitals made readable');
    assert.ok(Math.abs(found[0].lat - 51.5) < 0.01);
    const asked = os.requests.at(-1)!;
    assert.deepEqual([asked.pathname, asked.searchParams.get('postcode'), asked.searchParams.get('key'), asked.searchParams.get('dataset')], ['/search/places/v1/postcode', 'EX11AA', os.key, 'DPA']);
    assert.deepEqual(await places.byPostcode('ZZ9 9ZZ', 100), []);
    assert.deepEqual(await places.byPostcode('X', 100), [], 'a postcode it cannot read is no addresses');
    assert.equal((await places.byStreet('station road', 10)).length, 2);
    assert.equal((await places.byUprn('100023000100'))?.postcode, 'EX1 2BB');
    await assert.rejects(osPlaces({ baseUrl: os.baseUrl, key: 'wrong' }).byPostcode('EX1 1AA', 10), AddressServiceError);
  } finally {
    await os.close();
  }
  await assert.rejects(osPlaces({ baseUrl: 'http://127.0.0.1:9', key: 'k', timeoutMs: 500 }).byPostcode('EX1 1AA', 10), AddressServiceError);
});

test('npx pipework addresses import FILE and addresses count', async () => {
  const env = { DATABASE_URL: store.url };
  const ok = await pipework(['addresses', 'import', file('cli.csv', sampleGazetteerCsv() + 'x,1 Bad,Bad,Town,EX1 1AA,1,1\n')], env);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, new RegExp(`Imported ${SAMPLE_ADDRESSES.length} address\\(es\\), skipped 1; ${SAMPLE_ADDRESSES.length} in the gazetteer\\.`));
  assert.match(ok.err, /line 16: UPRN must be a number/);
  assert.equal((await pipework(['addresses', 'count'], env)).out.trim(), String(SAMPLE_ADDRESSES.length));
  const missing = await pipework(['addresses', 'import', join(dir, 'nope.csv')], env);
  assert.equal(missing.code, 64);
  const wrong = await pipework(['addresses', 'import', file('cli-wrong.csv', 'A,B\n1,2\n')], env);
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /missing: uprn/);
});
