import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until, SECRET } from '../../../test/support/delivery-world.ts';
import { webhookPeer } from '../../../test/support/backends/webhook-peer.ts';
import { staffClient, staffUser } from '../../../test/support/staff.ts';

// "Take open cases along" on a service's route page: dry run, start, progress, report, audit.
// A real webhook peer on 127.0.0.1; the move runs in the app's process.

test('an admin takes the open cases along from the route page: dry run, start (answered at once), progress, report, audited', async () => {
  const w = await relayWorld();
  const peer = await webhookPeer({ secret: SECRET, delayMs: 50 });
  try {
    const ids = [(await w.submit('Old case A')).id, (await w.submit('Old case B')).id, (await w.submit('Old case C')).id];
    await w.webhook('streets', peer.url);
    await w.route('pothole', 'streets');
    await staffUser(w.store, 'admin@example.gov.uk', 'admin', 'example', 'Ada Admin');
    await staffUser(w.store, 'super@example.gov.uk', 'supervisor', 'example', 'Sue Supervisor');
    const admin = staffClient(w.app);
    await admin.signIn('admin@example.gov.uk');

    const route = await admin.get('/staff/admin/routes/pothole');
    assert.match(route.body, /href="\/staff\/admin\/routes\/pothole\/move-open">Take open cases along/);
    const dry = await admin.get('/staff/admin/routes/pothole/move-open');
    assert.equal(dry.statusCode, 200);
    assert.match(dry.body, /3 open cases would move to streets; 3 can move now/);
    assert.match(dry.body, /3 from builtin/);
    for (const id of ids) assert.match(dry.body, new RegExp(`/staff/requests/${id}`));
    assert.equal(peer.cases.size, 0, 'the dry run sends nothing');

    const started = await admin.post('/staff/admin/routes/pothole/move-open', {});
    assert.equal(started.statusCode, 303, started.body);
    const progressUrl = String(started.headers.location);
    assert.match(progressUrl, /^\/staff\/admin\/routes\/pothole\/move-open\/\d+$/);
    await until(async () => /Finished/.test((await admin.get(progressUrl)).body), 10_000, 'the move finished');
    const report = await admin.get(progressUrl);
    assert.match(report.body, /all 3 moved/);
    assert.match(report.body, /Moved<\/dt><dd class="govuk-summary-list__value">3/);
    assert.equal(peer.cases.size, 3);
    const audit = (await w.store.staff.audit.list({ jurisdictionId: 'example', limit: 50 })).filter((e) => e.action === 'route.move-open');
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor, 'admin@example.gov.uk');
    assert.match(audit[0].after ?? '', /pothole: open cases to streets/);

    const after = await admin.get('/staff/admin/routes/pothole/move-open');
    assert.match(after.body, /there is nothing to move/);
    assert.doesNotMatch(after.body, /start-button/);

    // Another admin console's refusal is shown on the page, not as an error page: unknown moves are 404.
    assert.equal((await admin.get('/staff/admin/routes/pothole/move-open/999999')).statusCode, 404);
    assert.equal((await admin.get('/staff/admin/routes/no_such/move-open')).statusCode, 404);
    const sup = staffClient(w.app);
    await sup.signIn('super@example.gov.uk');
    assert.notEqual((await sup.get('/staff/admin/routes/pothole/move-open')).statusCode, 200, 'council set-up is for admins');
  } finally {
    await peer.close();
    await w.close();
  }
});

test('a second start while the move runs is refused on the page, with the error summary; the running move is untouched', async () => {
  const w = await relayWorld();
  const peer = await webhookPeer({ secret: SECRET, delayMs: 300 });
  try {
    for (const d of ['Slow A', 'Slow B', 'Slow C']) await w.submit(d);
    await w.webhook('streets', peer.url);
    await w.route('pothole', 'streets');
    await staffUser(w.store, 'admin@example.gov.uk', 'admin');
    const admin = staffClient(w.app);
    await admin.signIn('admin@example.gov.uk');
    await admin.get('/staff/admin/routes/pothole/move-open');
    const first = await admin.post('/staff/admin/routes/pothole/move-open', {});
    assert.equal(first.statusCode, 303);
    const running = await admin.get(String(first.headers.location));
    assert.match(running.body, /Running/);
    assert.match(running.body, /Check progress again/);
    await admin.get('/staff/admin/routes/pothole/move-open');
    const refused = await admin.post('/staff/admin/routes/pothole/move-open', {});
    assert.equal(refused.statusCode, 400, refused.body);
    assert.match(refused.body, /govuk-error-summary/);
    assert.match(refused.body, /is running already/);
    await until(async () => /Finished/.test((await admin.get(String(first.headers.location))).body), 10_000, 'finished');
    assert.equal(peer.cases.size, 3);
  } finally {
    await peer.close();
    await w.close();
  }
});
