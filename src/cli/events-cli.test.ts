import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from './commands.ts';
import { contextFor, UsageError } from './context.ts';
import { relayWorld } from '../../test/support/delivery-world.ts';

// `npx pipework events …`, in-process on a fresh database.
let w: Awaited<ReturnType<typeof relayWorld>>;
before(async () => {
  w = await relayWorld();
});
after(() => w.close());

async function run(...args: string[]) {
  const out: string[] = [];
  const { ctx } = contextFor(w.config, (l) => void out.push(l), () => {});
  ctx.store = async () => w.store;
  try {
    return { code: await (await COMMANDS[args[0]].load()).run(args.slice(1), ctx), out: out.join('\n'), err: '' };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return { code: 64, out: out.join('\n'), err: e.message };
  }
}

test('events subscribe makes a filtered subscription and prints its secret alone on the last line', async () => {
  const r = await run('events', 'subscribe', 'https://crm.example.gov.uk/hook', '--types', 'uk.pipework.request.created,uk.pipework.request.status_changed', '--council', 'example');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out.split('\n').at(-1)!, /^whsec_[A-Za-z0-9+/=]{40,}$/);
  const [sub] = await w.store.subscriptions.list();
  assert.deepEqual([sub.url, sub.types, sub.councils, sub.state], ['https://crm.example.gov.uk/hook', ['uk.pipework.request.created', 'uk.pipework.request.status_changed'], ['example'], 'validating']);
  assert.match((await run('events', 'subscriptions')).out, /validating\thttps:\/\/crm.example.gov.uk\/hook/);
});

test('events subscribe explains what is wrong', async () => {
  assert.match((await run('events', 'subscribe')).err, /needs one URL/);
  assert.match((await run('events', 'subscribe', 'https://x.example/h', '--types', 'nope')).err, /unknown event type "nope"/);
  assert.match((await run('events', 'subscribe', 'https://x.example/h', '--council', 'atlantis')).err, /unknown council "atlantis"/);
  assert.match((await run('events', 'subscribe', 'https://x.example/h', '--from', 'x')).err, /--from must be/);
  // `events push` takes nothing more (test/events-push.test.ts runs it for real).
  assert.equal((await run('events', 'push', 'now')).code, 64);
});
