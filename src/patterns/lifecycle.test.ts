import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp, form, FORM } from '../../test/support/app.ts';
import { submitRequest } from '../core/requests/submit.ts';
import { recordUpdate } from '../core/requests/record-update.ts';
import { PipeworkError } from '../core/errors.ts';
import { adoptPattern } from './adopt.ts';
import { findPattern, importPatterns, publishPattern, withoutAdoption } from './lifecycle.ts';
import { exportDocument, exportPattern } from './export.ts';
import { readPatternText, toYaml } from './files.ts';
import { diffPatterns, formatChanges } from './diff.ts';
import { addDuration } from '../core/process/duration.ts';
import type { ServicePattern } from './schema.ts';

// The done-when journeys of service patterns, on a real store (SQLite or
// PostgreSQL, from DATABASE_URL) with the demo council, which adopts the
// starter library.

let env: Awaited<ReturnType<typeof demoApp>>;
before(async () => {
  env = await demoApp();
  await env.store.jurisdictions.upsert({ id: 'second', name: 'Second District Council' });
  await env.store.jurisdictions.upsert({ id: 'third', name: 'Third Borough Council' });
});
after(() => env.close());

const json = (res: { body: string }) => JSON.parse(res.body);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const pothole = (depth: string) => ({
  jurisdictionId: 'example', serviceCode: 'pothole', attributes: { depth }, location: { lat: '51.5', long: '-0.14' },
  contact: {}, mediaUrls: [], source: 'test',
});
const backend = (requestId: string, status: string, updatedAt?: Date) => ({
  requestId, jurisdictionId: 'example', status: status as never, description: `to ${status}`, mediaUrls: [], authorKind: 'backend' as const, contact: {}, updatedAt,
});

test('round trip: export, import into a second council, export again gives the same document apart from the adoption record', async () => {
  const first = exportPattern(await findPattern(env.store, 'example', 'pothole'));
  // Through YAML text, as a council would hand it over.
  const { patterns, problems } = readPatternText(toYaml(first));
  assert.deepEqual(problems, []);
  const outcome = await importPatterns(env.store, 'second', patterns);
  assert.deepEqual(outcome, [{ id: 'pothole', version: '1.0.0', lifecycle: 'published', outcome: 'created' }]);
  const again = exportPattern(await findPattern(env.store, 'second', 'pothole', '1.0.0'));
  assert.deepEqual(withoutAdoption(again), withoutAdoption(first));
  assert.equal(again.provenance.adopted_by?.jurisdiction_id, 'second');
  assert.equal(first.provenance.adopted_by?.jurisdiction_id, 'example');

  // A whole set as one bundle.
  const all = await env.store.patterns.list('example');
  const bundle = readPatternText(toYaml(exportDocument(all, { name: 'Example starter set', publisher: 'example' })));
  assert.deepEqual(bundle.problems, []);
  assert.equal(bundle.patterns.length, all.length);
  await importPatterns(env.store, 'third', bundle.patterns);
  for (const p of all) {
    const back = exportPattern(await findPattern(env.store, 'third', p.id, p.version));
    assert.deepEqual(withoutAdoption(back), withoutAdoption(exportPattern(p)), p.id);
  }
  // Importing the same published version again changes nothing.
  assert.equal((await importPatterns(env.store, 'second', patterns))[0].outcome, 'unchanged');
});

test('a published version never changes; a draft does until it is published; only published versions are adopted', async () => {
  const published = exportPattern(await findPattern(env.store, 'example', 'graffiti'));
  const edited = { ...clone(published), name: 'Graffiti (edited)' };
  await assert.rejects(importPatterns(env.store, 'example', [edited]), (e: PipeworkError) => e.code === 'PATTERN_VERSION_PUBLISHED' && /graffiti@1.0.0 is published/.test(e.message));
  assert.equal((await findPattern(env.store, 'example', 'graffiti', '1.0.0')).document.name, 'Graffiti');

  const draft: ServicePattern = { ...clone(published), version: '1.1.0', lifecycle: 'draft', provenance: { publisher: 'Example Borough Council', licence: 'OGL-UK-3.0', derived_from: { id: 'graffiti', version: '1.0.0' } } };
  assert.equal((await importPatterns(env.store, 'example', [draft]))[0].outcome, 'created');
  assert.equal((await importPatterns(env.store, 'example', [{ ...draft, name: 'Graffiti and tagging' }]))[0].outcome, 'replaced');
  await assert.rejects(adoptPattern(env.store, 'example', 'graffiti', { version: '1.1.0' }), (e: PipeworkError) => e.code === 'PATTERN_NOT_PUBLISHED');
  // Without a version, the newest published one is chosen over a newer draft.
  assert.equal((await findPattern(env.store, 'example', 'graffiti')).version, '1.0.0');
  await publishPattern(env.store, 'example', 'graffiti', '1.1.0');
  assert.equal((await adoptPattern(env.store, 'example', 'graffiti')).pattern?.version, '1.1.0');
  assert.equal((await env.store.services.get('example', 'graffiti'))?.name, 'Graffiti and tagging');
  await assert.rejects(importPatterns(env.store, 'example', [{ ...draft, name: 'Changed after publishing' }]), (e: PipeworkError) => e.code === 'PATTERN_VERSION_PUBLISHED');
});

test('a new version changes a question: earlier requests keep their answers and process, new ones use the new version', async () => {
  const before = await submitRequest(env.store, pothole('deep'));
  assert.deepEqual(before.pattern, { id: 'pothole', version: '1.0.0' });
  // The target is counted from submission (the store stamps requested_at a moment later).
  assert.ok(Math.abs(before.expectedAt!.getTime() - addDuration(before.requestedAt, '20 working days').getTime()) < 1000);

  // Version 1.1.0: the depth question gains an answer, and a report can no longer go straight from open to fixed.
  const v1 = exportPattern(await findPattern(env.store, 'example', 'pothole', '1.0.0'));
  const v2 = clone(v1);
  v2.version = '1.1.0';
  v2.lifecycle = 'draft';
  v2.provenance = { publisher: 'Example Borough Council', licence: 'OGL-UK-3.0', derived_from: { id: 'pothole', version: '1.0.0' } };
  v2.questions[0].description = 'How deep is the pothole at its deepest point?';
  v2.questions[0].values!.push({ key: 'very_deep', name: 'Deeper than 20cm' });
  v2.process.transitions = v2.process.transitions.map((t) => ({ ...t, to: [t.to].flat().filter((s) => !(s === 'fixed' && [t.from].flat().includes('open'))) })).filter((t) => t.to.length);
  v2.process.transitions.push({ from: ['investigating', 'reopen'], to: 'fixed', notify: true });
  assert.deepEqual(readPatternText(toYaml(v2)).problems, []);
  await importPatterns(env.store, 'example', [v2]);
  await publishPattern(env.store, 'example', 'pothole', '1.1.0');

  // Not adopted yet: the new answer is refused.
  await assert.rejects(submitRequest(env.store, pothole('very_deep')), (e: PipeworkError) => e.code === 'INVALID_INPUT' && /attribute\[depth\]/.test(e.message));
  await adoptPattern(env.store, 'example', 'pothole', { version: '1.1.0' });
  const after = await submitRequest(env.store, pothole('very_deep'));
  assert.deepEqual(after.pattern, { id: 'pothole', version: '1.1.0' });
  const service = await env.store.services.get('example', 'pothole');
  assert.equal(service?.attributes.find((a) => a.code === 'depth')?.description, 'How deep is the pothole at its deepest point?');

  const old = await env.store.requests.get('example', before.id);
  assert.deepEqual(old?.attributes, { depth: 'deep' });
  assert.deepEqual(old?.pattern, { id: 'pothole', version: '1.0.0' });

  // Process: open → fixed is still allowed for the old request, not for the new one.
  const oldFixed = await recordUpdate(env.store, backend(before.id, 'fixed'));
  assert.equal(oldFixed.flag, undefined);
  assert.equal((await env.store.requests.get('example', before.id))?.status, 'fixed');
  const newFixed = await recordUpdate(env.store, backend(after.id, 'fixed'));
  assert.match(newFixed.flag ?? '', /may not move to "fixed".*pothole@1.1.0/);
  assert.equal((await env.store.requests.get('example', after.id))?.status, 'open');

  const changes = formatChanges(diffPatterns(v1, v2));
  assert.ok(changes.includes('~ questions[depth].description: "How deep is the pothole?" → "How deep is the pothole at its deepest point?"'), changes.join('\n'));
  assert.ok(changes.includes('+ questions[depth].values[very_deep]: {"key":"very_deep","name":"Deeper than 20cm"}'), changes.join('\n'));
  assert.ok(changes.includes('- process.transitions[open → fixed]: {"notify":true}'), changes.join('\n'));
  assert.ok(changes.includes('~ version: "1.0.0" → "1.1.0"'));
});

test('back-end updates: a disallowed change is recorded and flagged, an allowed one moves the request and sets expected_datetime', async () => {
  const res = await env.app.inject({
    method: 'POST', url: '/open311/v2/requests.json', headers: FORM,
    payload: form([['api_key', env.key], ['jurisdiction_id', 'example'], ['service_code', 'street_light'], ['lat', '51.5'], ['long', '-0.14'], ['attribute[fault]', 'out']]),
  });
  assert.equal(res.statusCode, 200, res.body);
  const id: string = json(res)[0].service_request_id;
  const fetch = async () => json(await env.app.inject({ url: `/open311/v2/requests/${id}.json?jurisdiction_id=example` }))[0];
  const created = await fetch();
  const requestedAt = new Date(created.requested_datetime);
  // street_light: overall target 10 working days.
  assert.ok(Math.abs(new Date(created.expected_datetime).getTime() - addDuration(requestedAt, '10 working days').getTime()) < 1000, created.expected_datetime);

  // open → in_progress skips the schedule: not in the pattern.
  const start = new Date();
  const flagged = await recordUpdate(env.store, backend(id, 'in_progress'));
  assert.match(flagged.flag ?? '', /a request at "open" may not move to "in_progress" \(allowed: .*action_scheduled.*\), under street_light@1.0.0/);
  assert.equal((await fetch()).status, 'open');
  const history = await env.store.requests.history('example', id);
  assert.deepEqual(history.map((u) => [u.status, !!u.flag]), [['in_progress', true]], 'kept in history, marked');
  assert.ok((await env.store.patterns.flaggedUpdates('example', 10)).some((u) => u.id === flagged.id), 'visible to staff');
  const feed = json(await env.app.inject({ url: `/open311/v2/servicerequestupdates.json?jurisdiction_id=example&api_key=${env.key}&start_date=${start.toISOString()}` }));
  assert.ok(!feed.some((u: { update_id: string }) => u.update_id === flagged.id), 'not offered to clients as a status change');

  // open → action_scheduled is allowed and tells the resident; the clock restarts at the scheduled status's target,
  // from the back-end's own time for the change.
  const at = new Date((await env.store.requests.get('example', id))!.requestedAt.getTime() + 1);
  const moved = await recordUpdate(env.store, backend(id, 'action_scheduled', at));
  assert.equal(moved.flag, undefined);
  assert.equal(moved.notifyResident, true);
  const now = await fetch();
  assert.equal(now.status, 'action_scheduled');
  assert.equal(new Date(now.expected_datetime).getTime(), Math.floor(addDuration(at, '7 working days').getTime() / 1000) * 1000);

  // Staff choose again rather than have their change parked: refused, nothing stored.
  await assert.rejects(
    recordUpdate(env.store, { ...backend(id, 'reopen'), authorKind: 'staff' }),
    (e: PipeworkError) => e.code === 'TRANSITION_NOT_ALLOWED' && e.status === 409,
  );
  assert.equal((await env.store.requests.history('example', id)).length, 2);
  // A comment that repeats the current status, or says "unchanged", always passes.
  assert.equal((await recordUpdate(env.store, backend(id, 'unchanged'))).flag, undefined);
  assert.equal((await recordUpdate(env.store, backend(id, 'action_scheduled'))).flag, undefined);
});

test('a service not bound to a pattern takes any status change, as before', async () => {
  const s = await env.store.services.get('example', 'dog_fouling');
  await env.store.services.upsert({ ...s!, code: 'legacy', pattern: undefined, statusLabels: undefined });
  const r = await submitRequest(env.store, { ...pothole('deep'), serviceCode: 'legacy', attributes: {} });
  assert.equal(r.pattern, undefined);
  assert.equal(r.expectedAt, undefined);
  const u = await recordUpdate(env.store, backend(r.id, 'in_progress'));
  assert.equal(u.flag, undefined);
  assert.equal((await env.store.requests.get('example', r.id))?.status, 'in_progress');
});

test("a resident's OPEN from FixMyStreet is a comment on an open or a finished request; only REOPEN reopens", async () => {
  const r = await submitRequest(env.store, { ...pothole('medium'), attributes: { depth: 'medium' } });
  const resident = (status: string) => ({ ...backend(r.id, status), authorKind: 'resident' as const, description: 'Still there' });
  await recordUpdate(env.store, backend(r.id, 'investigating'));
  const comment = await recordUpdate(env.store, resident('open'));
  assert.equal(comment.status, 'unchanged');
  assert.equal(comment.flag, undefined);
  assert.equal((await env.store.requests.get('example', r.id))?.status, 'investigating');
  await recordUpdate(env.store, backend(r.id, 'fixed'));
  const onClosed = await recordUpdate(env.store, resident('open'));
  assert.deepEqual([onClosed.status, onClosed.flag, onClosed.notifyResident], ['unchanged', undefined, undefined]);
  assert.equal((await env.store.requests.get('example', r.id))?.status, 'fixed');
  const reopened = await recordUpdate(env.store, resident('reopen'));
  assert.equal(reopened.status, 'reopen');
  assert.equal(reopened.notifyResident, true);
  assert.equal((await env.store.requests.get('example', r.id))?.status, 'reopen');
});

test('process state: label, next statuses and overdue come from the request\'s pattern version', async () => {
  const { processState } = await import('../core/process/rules.ts');
  const r = await submitRequest(env.store, { ...pothole('deep'), serviceCode: 'dead_animal', attributes: { animal: 'fox', in_road: 'yes' } });
  const state = await processState(env.store, r);
  assert.equal(state?.label, 'Reported');
  assert.equal(state?.overdue, false);
  assert.ok(state?.next.some((n) => n.status === 'action_scheduled' && n.label === 'Collection booked' && n.notify));
  // dead_animal: 2 working days overall, so a week later it is overdue unless closed.
  const later = new Date(r.requestedAt.getTime() + 7 * 86_400_000);
  assert.equal((await processState(env.store, r, later))?.overdue, true);
  await recordUpdate(env.store, backend(r.id, 'fixed'));
  const closed = await processState(env.store, (await env.store.requests.get('example', r.id))!, later);
  assert.deepEqual([closed?.closed, closed?.overdue, closed?.label], [true, false, 'Removed']);
});
