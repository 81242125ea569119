import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until } from '../../test/support/delivery-world.ts';
import { open311StandIn } from '../../test/support/open311-stand-in.ts';
import { saveBackend } from '../routing/manage.ts';
import { BackendRegistry } from '../backends/registry.ts';
import { pullOne } from './pull.ts';

const quiet = { info() {}, warn() {}, error() {} };
const N = 5000;
const PAGE = 1000;

test(`statuses for ${N} open requests all arrive within ${N / PAGE} polls, with the upstream's own times, and nothing is added when nothing changed`, async () => {
  const w = await relayWorld();
  const up = await open311StandIn('k');
  try {
    await saveBackend(w.store, { name: 'county', kind: 'open311-upstream', config: { url: up.url, apiKey: 'k', pull: 'requests', pullPageSize: PAGE, pollSeconds: 3600, statusMap: { closed: 'fixed' } } }, 'test');
    await w.route('pothole', 'county');
    const ids: string[] = [];
    for (let i = 0; i < N; i += 50) ids.push(...(await Promise.all(Array.from({ length: 50 }, (_, k) => w.submit(`Open report ${i + k}`)))).map((r) => r.id));
    const relay = w.relay({ relayBatchSize: 500, relayConcurrency: 32 });
    await until(async () => (await w.store.deliveries.list({ backend: 'county', state: 'delivered', limit: N })).length === N, 120_000, 'all delivered');
    await relay.stop();
    const registry = new BackendRegistry(w.store.routing, { timeoutMs: 5000 });
    const poll = () => pullOne(w.store, 'county', registry, quiet);

    // A poll while everything is still open upstream adds nothing: no empty first `open` update.
    assert.equal((await poll()).read, PAGE);
    assert.equal((await w.store.deliveries.events({ backend: 'county', limit: 10 })).length, 0);

    // The upstream's back office moves every case on, at its own time; the oldest 100 are closed.
    const t0 = Date.now() + 60_000;
    const at = (i: number) => new Date(t0 + i * 1000);
    up.cases.forEach((c, i) => up.setStatus(c.service_request_id, i < 100 ? 'closed' : 'investigating', at(i), i < 100 ? 'Done' : undefined));

    const statusOf = async () => {
      const m = new Map<string, string>();
      for (let i = 0; i < ids.length; i += 500) for (const r of await w.store.requests.search({ jurisdictionId: 'example', ids: ids.slice(i, i + 500), page: 1, pageSize: 500 })) m.set(r.id, r.status);
      return m;
    };
    let polls = 0;
    while (polls < N / PAGE) {
      await poll();
      polls++;
      if ([...(await statusOf()).values()].every((s) => s !== 'open')) break;
    }
    const statuses = await statusOf();
    assert.equal([...statuses.values()].filter((s) => s === 'open').length, 0, `every request moved within ${polls} polls`);
    assert.equal([...statuses.values()].filter((s) => s === 'fixed').length, 100, 'the oldest ones, closed upstream, are closed here too');

    // The upstream's updated_datetime is the update's time, not the poll's.
    for (const i of [0, 99, 100, 2500, N - 1]) {
      const job = (await w.store.deliveries.forRequest(ids[i]))[0];
      const c = up.cases.find((x) => x.service_request_id === job.externalRef)!;
      const [u] = (await w.store.requests.history('example', ids[i])).filter((x) => x.authorKind === 'backend');
      assert.equal(u.updatedAt.toISOString(), c.updated_datetime, `request ${i}: the upstream's time`);
    }

    // Nothing changed upstream: further polls add nothing.
    const before = (await w.store.deliveries.events({ backend: 'county', limit: 100_000 })).length;
    assert.equal(before, N);
    await poll();
    await poll();
    assert.equal((await w.store.deliveries.events({ backend: 'county', limit: 100_000 })).length, before);
    await registry.close();
  } finally {
    await w.close();
    await up.close();
  }
});
