import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relayWorld } from '../../test/support/delivery-world.ts';
import { pipework } from '../../test/support/cli.ts';

// A council's own words for residents' messages: the admin API and the real
// command line, on whichever dialect DATABASE_URL names. (What they do to a
// message: notifications.test.ts.)

let w: Awaited<ReturnType<typeof relayWorld>>;
before(async () => {
  w = await relayWorld();
});
after(() => w.close());
const admin = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  w.app.inject({ method, url: `/admin/api/notifications/templates${url}`, headers: { authorization: `Bearer ${w.adminKey}` }, ...(payload ? { payload } : {}) });
const cli = (...args: string[]) => pipework(['notifications', 'templates', ...args], { DATABASE_URL: w.store.url! });

test('the admin API sets, lists and removes templates, and says what is wrong with one', async () => {
  const bad = await admin('PUT', '/example', { kind: 'status', channel: 'sms', language: 'cy', subject: 'No', body: 'Statws ((statws))' });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().error.problems.map((p: { field: string }) => p.field), ['subject', 'body']);
  assert.match(bad.json().error.message, /\(\(statws\)\) is not a field/);
  assert.equal((await admin('PUT', '/example', { kind: 'nudge', channel: 'email', language: 'en', subject: 'x', body: 'x' })).statusCode, 400);
  assert.equal((await admin('PUT', '/example', { service_code: 'nope', kind: 'status', channel: 'email', language: 'en', subject: 'x', body: 'x' })).statusCode, 400);
  assert.equal((await admin('GET', '/atlantis')).statusCode, 404);

  const ok = await admin('PUT', '/example', { service_code: 'pothole', kind: 'status', channel: 'sms', language: 'cy', body: 'Adroddiad ((reference)): ((status)). ((track_url))' });
  assert.equal(ok.statusCode, 200, ok.body);
  const listed = (await admin('GET', '/example')).json();
  assert.ok(listed.fields.includes('status_description'));
  assert.deepEqual(listed.templates.map((t: { service_code: string; kind: string; channel: string; language: string; by: string }) => [t.service_code, t.kind, t.channel, t.language, t.by]), [['pothole', 'status', 'sms', 'cy', 'api:ops']]);
  assert.equal((await admin('DELETE', '/example/status/sms/cy?service_code=pothole')).statusCode, 204);
  assert.equal((await admin('DELETE', '/example/status/sms/cy?service_code=pothole')).statusCode, 404);
});

test('npx pipework notifications templates set, list and remove', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'templates-'));
  const file = join(dir, 'status-cy.txt');
  writeFileSync(file, 'Mae eich adroddiad ((reference)) nawr: ((status)).\n\n((track_url))\n');
  const refused = await cli('set', 'status', 'email', 'cy', '--body-file', file);
  assert.equal(refused.code, 64);
  assert.match(refused.err, /an email needs a subject/);
  const set = await cli('set', 'status', 'email', 'cy', '--subject', 'Adroddiad ((reference))', '--body-file', file);
  assert.equal(set.code, 0, set.err);
  assert.match(set.out, /status email messages in cy for every service in example use this template/);
  assert.match((await cli()).out, /\(every service\)\tstatus\temail\tcy\tAdroddiad \(\(reference\)\)\tMae eich adroddiad/);
  assert.equal((await cli('remove', 'status', 'email', 'cy')).code, 0);
  assert.equal((await cli('remove', 'status', 'email', 'cy')).code, 1);
  assert.match((await cli()).out, /No templates in example/);
});
