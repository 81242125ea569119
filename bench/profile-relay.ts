/**
 * Where the relay's CPU and latency go, from V8's sampling profiler (so it
 * means the same on a busy machine):
 *
 *   [RELAY_MIN_ROUND_MS=…] node --import tsx bench/profile-relay.ts [--database sqlite|postgres] [--backlog 10000] [--top 40] [--trickle 1000]
 *
 * Fills a backlog of accepted requests routed to the benchmark's webhook
 * back-end (its own process, as in bench/sections/relay.ts), profiles one
 * relay draining it (only the drain: node:inspector's profiler, the same
 * samples --cpu-prof takes), and prints microseconds of CPU per delivery by
 * file, by stage of the relay (inclusive), and the top functions by self
 * time. Then a steady trickle, as in the section, with each job's time split
 * into: accepted → claimed, claimed → back-end answered.
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { openStore } from '../src/store/index.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { submitRequest } from '../src/core/requests/submit.ts';
import { loadConfig } from '../src/config/load.ts';
import { saveBackend, setPrimary } from '../src/routing/manage.ts';
import { BackendRegistry } from '../src/backends/registry.ts';
import { Relay } from '../src/delivery/relay.ts';
import { relayOptions } from '../src/delivery/start.ts';
import { webhookPeer, PEER_SECRET } from './lib/webhook-peer.ts';
import { benchDatabase } from './lib/database.ts';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const quiet = { info() {}, warn() {}, error() {} };
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const dialect = arg('database', 'sqlite') as 'sqlite' | 'postgres';
const backlog = Number(arg('backlog', '10000'));
const top = Number(arg('top', '40'));
const trickle = Number(arg('trickle', '1000'));

/** Stages of the relay, by the function that starts them (inclusive time: everything they call). */
const STAGES: [string, (f: Node['callFrame']) => boolean][] = [
  ['claim (query, hydrate, row conversion)', (f) => /src\/store\/deliveries\.ts$/.test(f.url) && /^(claim|hydrate)$/.test(f.functionName)],
  ['complete (outcome commit)', (f) => /src\/store\/deliveries\.ts$/.test(f.url) && f.functionName === 'complete'],
  ['requestJobOf', (f) => f.functionName === 'requestJobOf'],
  ['webhook body (requestPayload + JSON.stringify)', (f) => /src\/backends\/wire\.ts$/.test(f.url) || (/webhook\/index\.ts$/.test(f.url) && f.functionName === 'stringify')],
  ['signing (HMAC)', (f) => /webhook\/signing\.ts$/.test(f.url)],
  ['exchange (node:http client)', (f) => /src\/backends\/http\.ts$/.test(f.url)],
  ['node:http / net (outside exchange)', (f) => /^node:(_http|http|net|internal\/(http|stream|streams|net))/.test(f.url)],
  ['kysely', (f) => /node_modules\/kysely\//.test(f.url)],
  ['pg driver', (f) => /node_modules\/(pg|pg-protocol|pg-types|pg-pool)\//.test(f.url)],
  ['better-sqlite3', (f) => /node_modules\/better-sqlite3\//.test(f.url)],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
];

function report(p: Profile, n: number) {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const self = new Map<string, number>();
  const byFile = new Map<string, number>();
  const stage = new Map<string, number>();
  let busy = 0;
  const short = (url: string) => url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench|test)\//, '$1/');
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') return;
    busy += dt;
    const key = `${f.functionName || '(anonymous)'} ${short(f.url)}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const file = short(f.url) || f.functionName;
    byFile.set(file, (byFile.get(file) ?? 0) + dt);
    // Inclusive: each stage counts a sample once if any frame on its stack belongs to it; the first (outermost) stage of the list found wins.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const cf = byId.get(at)!.callFrame;
      for (const [name, test] of STAGES) if (test(cf)) seen.add(name);
    }
    for (const s of seen) stage.set(s, (stage.get(s) ?? 0) + dt);
  });
  const per = (us: number) => (us / n).toFixed(1).padStart(7);
  console.log(`\nprofiled CPU (not idle): ${per(busy)} µs per delivery`);
  console.log('\nby stage (inclusive; a sample may count in several):');
  for (const [k, v] of [...stage].sort((a, b) => b[1] - a[1])) console.log(`  ${per(v)} µs  ${k}`);
  console.log('\nby file (self time):');
  for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${per(v)} µs  ${k}`);
  console.log(`\ntop ${top} functions (self time):`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${per(v)} µs  ${k}`);
}


const db = await benchDatabase(dialect);
const store = await openStore(db.url);
const peer = await webhookPeer();
// RELAY_* settings from the environment, to compare them.
const relayEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('RELAY_')));
const config = loadConfig({ ...relayEnv, DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
let relay: Relay | undefined;
try {
  await seedDemo(store);
  await saveBackend(store, { name: 'hook', kind: 'webhook', config: { url: peer.url, secret: PEER_SECRET } }, 'bench');
  await setPrimary(store, { jurisdictionId: 'example', serviceCode: 'pothole' }, 'hook', 'bench');
  let k = 0;
  const submit = () => submitRequest(store, { jurisdictionId: 'example', serviceCode: 'pothole', description: `Bench pothole ${++k}`, attributes: { depth: 'deep' }, location: { lat: '51.5', long: '-0.14' }, contact: { email: 'bench@example.org' }, mediaUrls: [], source: 'bench' });
  for (let i = 0; i < backlog; i += 250) await Promise.all(Array.from({ length: Math.min(250, backlog - i) }, submit));

  // When each job was claimed, for the latency split.
  const claimedAt = new Map<string, number>();
  const claim = store.deliveries.claim.bind(store.deliveries);
  store.deliveries.claim = async (o) => {
    const jobs = await claim(o);
    const t = Date.now();
    for (const j of jobs) claimedAt.set(j.id, t);
    return jobs;
  };

  const opts = relayOptions(config);
  console.log(`${dialect}: draining ${backlog}, options ${JSON.stringify(opts)}`);
  relay = new Relay(store, new BackendRegistry(store.routing, { timeoutMs: config.deliveryTimeoutMs }), opts, quiet);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  await peer.stats(); // fetch's first call loads and compiles undici: not while timing
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const peer0 = peer.cpuUs();
  relay.start();
  await peer.stats(backlog);
  while ((await store.deliveries.list({ state: 'in_flight', limit: 1 })).length) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peerCpu = peer.cpuUs() - peer0;
  const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
  session.disconnect();
  writeFileSync(`/tmp/relay-${dialect}.cpuprofile`, JSON.stringify(profile));
  console.log(`${Math.round(backlog / seconds)} deliveries/s, ${Math.round((cpu.user + cpu.system) / backlog)} µs CPU (process.cpuUsage; ${Math.round(cpu.system / backlog)} of it system) per delivery; the back-end ${Math.round(peerCpu / backlog)} µs; profile in /tmp/relay-${dialect}.cpuprofile`);
  report(profile, backlog);

  // Latency: the section's trickle, split at the claim.
  await new Promise((r) => setTimeout(r, 200));
  const ids: string[] = [];
  for (let i = 0; i < trickle; i += 5) {
    ids.push(...(await Promise.all(Array.from({ length: 5 }, submit))).map((r) => r.id));
    await new Promise((r) => setTimeout(r, 10));
  }
  const waits: number[] = [];
  const sends: number[] = [];
  const totals: number[] = [];
  for (const id of ids) {
    let job = (await store.deliveries.forRequest(id))[0];
    while (job.state !== 'delivered') {
      await new Promise((r) => setTimeout(r, 10));
      job = (await store.deliveries.forRequest(id))[0];
    }
    const c = claimedAt.get(job.id) ?? NaN;
    waits.push(c - job.createdAt.getTime());
    sends.push(job.deliveredAt!.getTime() - c);
    totals.push(job.deliveredAt!.getTime() - job.createdAt.getTime());
  }
  const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((q / 100) * xs.length) - 1)];
  console.log(`\nlatency (${trickle} at ~500/s), ms p50 / p99: accepted → claimed ${pct(waits, 50)} / ${pct(waits, 99)}; claimed → answered ${pct(sends, 50)} / ${pct(sends, 99)}; total ${pct(totals, 50)} / ${pct(totals, 99)}`);
} finally {
  await relay?.stop();
  await peer.close();
  await store.db.destroy();
  await db.drop();
}
