/**
 * CPU per signed webhook POST, 32 at once, to the benchmark's webhook
 * back-end (its own process): through the adapters' `exchange` (node:http)
 * and through the event pusher's small kept-alive client (decision 0151),
 * to size what a lean client behind `exchange` would save the relay.
 *
 *   node --import tsx bench/http-client-cost.ts
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { exchange } from '../src/backends/http.ts';
import { KeptAliveConnection } from '../src/http/kept-alive.ts';
import { signedHeaders } from '../src/backends/webhook/signing.ts';

const SECRET = 'bench-webhook-secret-0123456789';
const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/backends/webhook-peer-main.ts', SECRET], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((r) => createInterface({ input: child.stdout! }).once('line', r));
const N = 10000;
let k = 0;
const body = () => JSON.stringify({ event: 'request.created', idempotency_key: `k-${++k}`, request: { description: 'x'.repeat(600) } });
async function run(name: string, send: (b: string, key: string) => Promise<unknown>) {
  let next = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 32 }, async () => { while (next++ < N) { const b = body(); await send(b, `k-${k}`); } }));
  const c = process.cpuUsage(c0);
  console.log(`${name}: ${Math.round(N / ((performance.now() - t0) / 1000))}/s, ${Math.round((c.user + c.system) / N)} µs CPU per call`);
}
const target = new URL(url);
const pool = Array.from({ length: 32 }, () => new KeptAliveConnection(target));
const idle = [...pool];
for (let i = 0; i < 2; i++) {
  await run('exchange (node:http)', (b, key) => exchange(url, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key, ...signedHeaders(SECRET, b) }, body: b }, 10000));
  await run('KeptAliveConnection', async (b, key) => {
    const c = idle.pop()!;
    try { return await c.request('POST', `${target.pathname}${target.search}`, [['content-type', 'application/json'], ['idempotency-key', key], ...Object.entries(signedHeaders(SECRET, b))], b, 10000); } finally { idle.push(c); }
  });
}
for (const c of pool) c.close();
child.kill('SIGTERM');
