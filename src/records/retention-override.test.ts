import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld } from '../../test/support/delivery-world.ts';
import { pipework } from '../../test/support/cli.ts';
import { manualClock } from '../../test/support/clock.ts';
import { recordUpdate } from '../core/requests/record-update.ts';
import { applyRetention } from '../core/records/records.ts';
import { addPeriod } from '../core/records/retention.ts';

// A council's override of a pattern's retention rule: the admin API, the real
// command line, and the retention job using it; on whichever dialect DATABASE_URL names.

let w: Awaited<ReturnType<typeof relayWorld>>;
before(async () => {
  w = await relayWorld();
});
after(() => w.close());
const admin = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  w.app.inject({ method, url: `/admin/api/records/example${url}`, headers: { authorization: `Bearer ${w.adminKey}` }, ...(payload ? { payload } : {}) });
const cli = (...args: string[]) => pipework(['records', ...args], { DATABASE_URL: w.store.url! });

test('the admin API shows each rule and where it comes from, and sets and clears an override with clear errors', async () => {
  const before = (await admin('GET', '/retention')).json().services.find((s: { service_code: string }) => s.service_code === 'pothole');
  assert.deepEqual([before.contact_after_closure, before.anonymise_after_closure, before.override], ['3 years', '7 years', null]);

  const bad = await admin('PUT', '/retention/pothole', { contact_after_closure: 'a while' });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().error.problems.map((p: { field: string }) => p.field), ['contact_after_closure']);
  assert.match(bad.json().error.message, /"a while" is not a period/);
  const longer = await admin('PUT', '/retention/pothole', { contact_after_closure: '9 years', anonymise_after_closure: '8 years' });
  assert.equal(longer.statusCode, 400);
  assert.match(longer.json().error.message, /cannot be kept longer than the record/);
  assert.equal((await admin('PUT', '/retention/nope', { contact_after_closure: '1 year' })).statusCode, 400);
  assert.equal((await admin('PUT', '/retention/pothole', {})).statusCode, 400);
  assert.equal((await w.app.inject({ method: 'GET', url: '/admin/api/records/atlantis/retention', headers: { authorization: `Bearer ${w.adminKey}` } })).statusCode, 404);

  const set = await admin('PUT', '/retention/pothole', { contact_after_closure: '6 months', reason: 'Members agreed, 2026' });
  assert.equal(set.statusCode, 200, set.body);
  const after = (await admin('GET', '/retention')).json().services.find((s: { service_code: string }) => s.service_code === 'pothole');
  assert.deepEqual([after.contact_after_closure, after.anonymise_after_closure, after.override.reason, after.override.by], ['6 months', '7 years', 'Members agreed, 2026', 'api:ops']);

  assert.equal((await admin('DELETE', '/retention/pothole')).statusCode, 204);
  assert.equal((await admin('DELETE', '/retention/pothole')).statusCode, 404);
});

test('npx pipework records override sets the rule the retention job then applies', async () => {
  const refused = await cli('override', 'pothole', '--contact', 'soon');
  assert.equal(refused.code, 64);
  assert.match(refused.err, /"soon" is not a period/);

  const set = await cli('override', 'pothole', '--contact', '6 months', '--reason', 'Shorter by decision of members');
  assert.equal(set.code, 0, set.err);
  assert.match(set.out, /pothole: contact details 6 months after closure \(council override\)/);
  const rules = await cli('rules');
  assert.match(rules.out, /pothole\tcontact 6 months\trecord 7 years\tcouncil override by cli:[^:]+: Shorter by decision of members/);

  // Closed a year ago: past the council's 6 months, not the pattern's 3 years.
  const r = await w.submit();
  await recordUpdate(w.store, { requestId: r.id, jurisdictionId: 'example', status: 'fixed', description: 'Filled', mediaUrls: [], authorKind: 'staff', contact: {} });
  const run = await applyRetention(w.store, 'example', { dryRun: false, clock: manualClock(addPeriod(new Date(), '1 year')) });
  assert.deepEqual(run.services.map((s) => [s.serviceCode, s.rule.contactAfterClosure, s.contactErased]), [['pothole', '6 months', [r.id]]]);
  assert.equal(await w.store.requests.contact('example', r.id), undefined);

  const cleared = await cli('override', 'pothole', '--clear');
  assert.equal(cleared.code, 0, cleared.err);
  assert.match((await cli('rules')).out, /pothole\tcontact 3 years\trecord 7 years\n/);
});
