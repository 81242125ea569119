import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from '../../../test/support/db.ts';
import { createFirstCouncil, issueFirstRunToken } from './first-run.ts';
import { addCouncil, setCouncil } from './manage.ts';
import { contrastWithWhite } from './colour.ts';
import { PipeworkError } from '../errors.ts';

// Councils under concurrency, on the real store (both dialects): one first council, one owner per host, no lost edit.
let store: Awaited<ReturnType<typeof freshStore>>;
before(async () => (store = await freshStore()));
after(() => store.close());

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof PipeworkError ? e.code : String(e)));

test('contrast is computed as WCAG defines it', () => {
  assert.equal(contrastWithWhite('#000000').toFixed(0), '21');
  assert.equal(contrastWithWhite('#ffffff').toFixed(0), '1');
  assert.ok(contrastWithWhite('#1d70b8') >= 4.5);
  assert.ok(contrastWithWhite('#ffdd00') < 4.5);
});

test('five first-run attempts at once, each with its own token: exactly one council is made', async () => {
  const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => issueFirstRunToken(store)));
  const results = await Promise.all(tokens.map(({ token }, i) => code(createFirstCouncil(store, `council-${i}`, { name: `Council ${i}` }, { token, admin: { email: `a${i}@x.gov.uk`, name: 'A' } }))));
  assert.equal(results.filter((r) => r === 'ok').length, 1, results.join(','));
  assert.deepEqual(results.filter((r) => r !== 'ok'), ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  assert.equal((await store.councils.list()).length, 1);
});

test('two councils claiming one host at once: one has it, the other is told who does', async () => {
  await addCouncil(store, 'north', { name: 'North' }, { by: 'test' });
  await addCouncil(store, 'south', { name: 'South' }, { by: 'test' });
  const results = await Promise.all(['north', 'south'].map((id) => code(setCouncil(store, id, { hosts: ['shared.example.gov.uk'] }, { by: 'test' }))));
  assert.deepEqual([...results].sort(), ['INVALID_INPUT', 'ok']);
  const owners = (await store.councils.list()).filter((c) => c.hosts.includes('shared.example.gov.uk'));
  assert.equal(owners.length, 1);
  assert.equal((await store.councils.byHost('shared.example.gov.uk'))?.id, owners[0].id);
});

test('two edits made against the same version: one is saved, the other is refused, not lost silently', async () => {
  const { version } = (await store.councils.get('north'))!;
  const results = await Promise.all(['Northshire', 'North Riding'].map((name) => code(setCouncil(store, 'north', { name }, { by: 'test' }, { expectVersion: version }))));
  assert.deepEqual([...results].sort(), ['EDIT_CONFLICT', 'ok']);
  assert.equal((await store.councils.get('north'))!.version, version + 1);
});
