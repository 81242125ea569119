import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freshStore } from './support/db.ts';
import { serveProcess } from './support/serve.ts';
import { eventSubscriber } from './support/event-subscriber.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { createApiKey } from '../src/core/access/api-keys.ts';
import { createSubscription } from '../src/events/admin.ts';
import { EVENT_TYPES } from '../src/core/events/event.ts';

// The pusher in a process of its own: `serve` with EVENTS_PUSH_ENABLED=false
// pushes nothing, and `npx pipework events push` (the real binary) pushes
// everything in order, two of them at once included, and stops on SIGTERM.

const env = (url: string) => ({ DATABASE_URL: url, PUBLIC_URL: 'http://pipework.test', EVENTS_PUSH_POLL_MS: '50' });
const until = async (done: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  return done();
};

function pushProcess(url: string) {
  const child = spawn(process.execPath, ['bin/pipework.js', 'events', 'push'], { env: { ...process.env, LOG_LEVEL: 'info', ...env(url) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  child.stdout!.on('data', (d) => (printed += d));
  child.stderr!.on('data', (d) => (printed += d));
  return { child, output: () => printed };
}

test('events push pushes from its own process while serve pushes nothing; two at once repeat nothing; SIGTERM stops it with exit 0', async () => {
  const store = await freshStore();
  const subscriber = await eventSubscriber();
  await seedDemo(store);
  const { key } = await createApiKey(store, 'push');
  subscriber.state.secret = (await createSubscription(store, { url: subscriber.url })).secret;
  const server = await serveProcess({ ...env(store.url), EVENTS_PUSH_ENABLED: 'false' });
  const pushers: ReturnType<typeof pushProcess>[] = [];
  const post = async (n: number) => {
    const body = new URLSearchParams({ api_key: key, service_code: 'pothole', lat: '51.5', long: '-0.12', 'attribute[depth]': 'deep', description: `Pushed elsewhere ${n}` });
    const res = await fetch(`${server.url}/open311/v2/requests.json`, { method: 'POST', body });
    assert.equal(res.status, 200, await res.text());
  };
  const created = () => subscriber.events.filter((e) => e.type === EVENT_TYPES.requestCreated);
  try {
    for (let i = 0; i < 5; i++) await post(i);
    // Twenty of serve's poll intervals go by: with pushing off, nobody even asks for consent.
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual([subscriber.state.handshakes.length, subscriber.events.length], [0, 0]);

    pushers.push(pushProcess(store.url), pushProcess(store.url));
    assert.ok(await until(() => created().length === 5), `5 events pushed; got ${created().length}: ${pushers.map((p) => p.output()).join('\n')}`);
    for (let i = 5; i < 10; i++) await post(i);
    assert.ok(await until(() => created().length === 10), `10 events pushed; got ${created().length}`);

    const seqs = subscriber.events.map((e) => e.seq);
    assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]), `in order, each once: ${seqs}`);
    assert.deepEqual([subscriber.state.repeats, subscriber.state.badSignatures], [0, 0]);

    // Both have started (the second may still be loading on a busy machine: a signal before its start just ends it).
    assert.ok(await until(() => pushers.every((p) => p.output().includes('pushing the event log'))), pushers.map((p) => p.output()).join('\n'));
    const codes = await Promise.all(pushers.map(async (p) => {
      const exited = once(p.child, 'exit');
      p.child.kill('SIGTERM');
      return (await exited)[0];
    }));
    assert.deepEqual(codes, [0, 0], pushers.map((p) => p.output()).join('\n'));
    assert.match(pushers[0].output(), /pusher stopped/);
  } finally {
    for (const p of pushers) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    const exited = once(server.child, 'exit');
    server.child.kill('SIGTERM');
    await exited;
    await subscriber.close();
    await store.close();
  }
});
