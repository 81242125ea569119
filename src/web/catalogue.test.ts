import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchServices, byGroup, offered } from './catalogue.ts';
import { joinDate, splitDate } from './fields.ts';
import type { Service } from '../core/services/service.ts';
import { demoApp } from '../../test/support/app.ts';

const svc = (code: string, name: string, keywords: string[], description = '', groups: string[] = []): Service => ({
  jurisdictionId: 'x', code, name, description, groups, keywords, type: 'realtime', attributes: [], active: true, visibility: 'public',
});
const services = [
  svc('pothole', 'Pothole', ['hole in road', 'road surface'], 'A hole or sunken area in a road surface.', ['Roads']),
  svc('street_light', 'Street light fault', ['lamp post', 'light out'], 'A street light that is out.', ['Roads', 'Lighting']),
  svc('fly_tipping', 'Fly-tipping', ['dumped rubbish'], 'Rubbish dumped illegally.', []),
];

test('search ranks a keyword phrase first, stems plurals and ignores filler words', () => {
  assert.deepEqual(searchServices(services, 'hole in road').map((s) => s.code)[0], 'pothole');
  assert.deepEqual(searchServices(services, 'Potholes').map((s) => s.code), ['pothole']);
  assert.deepEqual(searchServices(services, 'the lights on my street').map((s) => s.code)[0], 'street_light');
  assert.deepEqual(searchServices(services, 'rubbish').map((s) => s.code), ['fly_tipping']);
  assert.deepEqual(searchServices(services, 'in the of'), []);
  assert.deepEqual(searchServices(services, 'zebra'), []);
});

test('each service is listed once, under its first group; ungrouped ones under a catch-all', () => {
  const groups = byGroup(services, 'Other');
  assert.deepEqual(groups.map((g) => [g.name, g.services.map((s) => s.code)]), [
    ['Other', ['fly_tipping']],
    ['Roads', ['pothole', 'street_light']],
  ]);
});

test('the start page lists every offered service exactly once, under group headings', async () => {
  const { app, store, close } = await demoApp();
  try {
    const page = (await app.inject({ url: '/', headers: { accept: 'text/html' } })).body;
    const links = [...page.matchAll(/href="\/report\/([^"]+)"/g)].map((m) => m[1]);
    const expected = (await store.services.list('example')).filter(offered).map((s) => s.code);
    assert.deepEqual([...links].sort(), [...expected].sort(), 'each offered service once');
    assert.ok(new Set(links).size === links.length, 'no service twice');
    assert.match(page, /<h3 class="govuk-heading-m">Roads and pavements<\/h3>/);
  } finally {
    await close();
  }
});

test('only active public services are offered', () => {
  assert.equal(offered(services[0]), true);
  assert.equal(offered({ ...services[0], visibility: 'staff' }), false);
  assert.equal(offered({ ...services[0], visibility: 'private' }), false);
  assert.equal(offered({ ...services[0], active: false }), false);
});

test('date parts join into ISO 8601 for the core and split back for the page', () => {
  assert.equal(joinDate({ day: '1', month: '3', year: '2026', time: '' }), '2026-03-01');
  assert.equal(joinDate({ day: '1', month: '3', year: '2026', time: '9.05' }), '2026-03-01T09:05');
  assert.equal(joinDate({ day: '', month: '', year: '', time: '' }), '');
  assert.equal(joinDate({ day: 'x', month: '3', year: '2026', time: '' }), '2026-03-x', 'left for the core to refuse');
  assert.deepEqual(splitDate('2026-03-01T09:05'), { day: '1', month: '3', year: '2026', time: '09:05' });
});

test('the pages use Arial and no crown or crest: the GOV.UK-only font is neither referenced nor served', async () => {
  const { app, close } = await demoApp();
  try {
    const css = await app.inject({ url: '/assets/govuk-frontend.min.css' });
    assert.equal(css.statusCode, 200);
    assert.match(css.headers['content-type'] as string, /^text\/css/);
    assert.doesNotMatch(css.body, /GDS Transport|\.woff/);
    assert.match(css.body, /font-family:arial,sans-serif/);
    assert.match(css.body, /\.govuk-footer__crown,\.govuk-footer__copyright-logo:before\{display:none\}$/);
    assert.equal((await app.inject({ url: '/assets/fonts/light-94a07e06a1-v2.woff2' })).statusCode, 404);
  } finally {
    await close();
  }
});
