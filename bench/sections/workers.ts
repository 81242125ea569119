import type { BenchRow } from '../types.ts';
import { load, startBinary, type Server } from '../lib/load.ts';
import { postBody } from '../lib/workload.ts';
import { openStore } from '../../src/store/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { createApiKey } from '../../src/core/access/api-keys.ts';
import { benchDatabase } from '../lib/database.ts';

const section = 'workers';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** `npx pipework serve` with PIPEWORK_WORKERS=n, as an operator runs it; resolves once /readyz answers. */
async function pipework(databaseUrl: string, workers: number): Promise<Server & { url: string }> {
  const server = await startBinary({ DATABASE_URL: databaseUrl, PIPEWORK_WORKERS: String(workers), SEED_DEMO: 'false' });
  return { ...server, url: `http://127.0.0.1:${server.port}` };
}

/**
 * Open311 POST on PostgreSQL with one worker and with two, in alternating
 * slices on the same database, 50 connections: what a second process buys
 * on this machine's two cores (the load generator and PostgreSQL share them).
 */
export default async function ({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const db = await benchDatabase('postgres');
  const servers: Server[] = [];
  try {
    const store = await openStore(db.url);
    await seedDemo(store);
    const { key } = await createApiKey(store, 'bench');
    await store.close();
    const body = postBody(key);
    const one = await pipework(db.url, 1);
    servers.push(one);
    const two = await pipework(db.url, 2);
    servers.push(two);
    const rounds = quick ? 1 : 3;
    const seconds = quick ? 2 : 3;
    const runs = new Map<string, { rps: number[]; p99: number[]; failed: number }>();
    for (const s of [one, two]) await load({ url: `${s.url}/open311/v2/requests.json`, method: 'POST', body, headers: FORM, connections: 8, seconds: 1 });
    for (let r = 0; r < rounds; r++) {
      for (const [name, s] of [['1 worker', one], ['2 workers', two]] as const) {
        const res = await load({ url: `${s.url}/open311/v2/requests.json`, method: 'POST', body, headers: FORM, connections: 50, seconds });
        const acc = runs.get(name) ?? { rps: [], p99: [], failed: 0 };
        acc.rps.push(res.rps);
        acc.p99.push(res.p99);
        acc.failed += res.failed;
        runs.set(name, acc);
      }
    }
    const rows: BenchRow[] = [];
    for (const [name, a] of runs) {
      rows.push({ section, name: `POST c50 PostgreSQL, ${name}`, value: round(median(a.rps)), unit: 'req/s', note: `p99 ${round(median(a.p99))} ms${a.failed ? `, ${a.failed} failed` : ''}, median of ${rounds} slices of ${seconds} s` });
    }
    const gain = median(runs.get('2 workers')!.rps) / median(runs.get('1 worker')!.rps);
    rows.push({ section, name: 'POST c50 PostgreSQL, 2 workers ÷ 1', value: round(gain, 2), unit: '×', note: 'two cores shared with PostgreSQL and wrk' });
    return rows;
  } finally {
    for (const s of servers) await s.stop();
    await db.drop();
  }
}
