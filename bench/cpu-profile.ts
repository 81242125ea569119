/**
 * Where Pipework's CPU goes per request, from V8's sampling profiler rather
 * than the clock (so it means the same on a busy machine):
 *
 *   node --import tsx bench/cpu-profile.ts [--database URL] [--seconds 10] [--connections 8] [--log-level info]
 *
 * (--top N also lists the N functions with the most self time; --baseline
 * then profiles the bare baseline, bench/servers/baseline.ts, the same way.)
 * Starts Pipework with `npm start`'s flags (bench/servers/pipework.ts, through tsx) with
 * --cpu-prof, sends wrk load for POST and then for the filtered list (two
 * processes, one profile each), and prints per category the share of the
 * process's samples and microseconds of CPU per answered request. A sample
 * goes to the first category found walking its stack from the leaf up, so
 * JSON.stringify called by pino counts as logging.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { START_FLAGS, startServer } from './lib/load.ts';
import { wrk } from './lib/wrk.ts';
import { listQuery, postBody } from './lib/workload.ts';
import { openStore } from '../src/store/index.ts';
import { createApiKey } from '../src/core/access/api-keys.ts';
import { freshDatabaseUrl } from '../test/support/db.ts';

interface Node { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** Categories, tried in order on each frame from the leaf up: the first whose test matches takes the sample. */
const CATEGORIES: [string, (f: Node['callFrame']) => boolean][] = [
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['idle', (f) => f.functionName === '(idle)'],
  ['logging (pino)', (f) => /node_modules\/(pino|pino-std-serializers|@pinojs|sonic-boom)\/|src\/http\/request-log/.test(f.url)],
  ['response serialisation (fast-json-stringify)', (f) => /fast-json-stringify|\/serializer|src\/standards\/open311\/(wire|xml|render)/.test(f.url) || f.functionName.startsWith('anonymous') && f.url === ''],
  ['validation (ajv)', (f) => /node_modules\/ajv/.test(f.url)],
  ['pg driver', (f) => /node_modules\/(pg|pg-protocol|pg-types|pg-pool)\//.test(f.url)],
  ['kysely', (f) => /node_modules\/kysely\//.test(f.url)],
  ['body parsing', (f) => /src\/standards\/open311\/body|content-type-parser|node_modules\/(fast-querystring|secure-json-parse)/.test(f.url)],
  ['pipework store', (f) => /\/src\/store\//.test(f.url)],
  ['pipework core', (f) => /\/src\/core\//.test(f.url)],
  ['pipework Open311 and HTTP edges', (f) => /\/src\//.test(f.url)],
  ['fastify (routing, hooks, reply)', (f) => /node_modules\/(fastify|find-my-way|avvio|light-my-request|@fastify)\//.test(f.url)],
  ['other node_modules', (f) => /node_modules\//.test(f.url)],
  ['node:http and net', (f) => /^node:(_http|http|net|stream|internal\/(streams|http|net|stream_base|js_stream))/.test(f.url) || /^node:internal\/(streams|http)/.test(f.url)],
  ['node internals', (f) => f.url.startsWith('node:')],
];

/** Self time per function (category: name file) of the last summarise() call. */
export const selfTime = new Map<string, number>();

export function summarise(p: Profile, fromUs = 0): Map<string, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cat = new Map<number, string>();
  // From the leaf up, the first frame of a package or of Pipework's own code decides (so fs.writeSync
  // called by pino is logging, a socket write by pg is the driver); Node's own frames only when no such frame is on the stack.
  const categoryOf = (id: number): string => {
    const known = cat.get(id);
    if (known) return known;
    let found: string | undefined;
    let fallback: string | undefined;
    for (let at: number | undefined = id; at !== undefined && !found; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const hit = CATEGORIES.find(([, test]) => test(f))?.[0];
      if (!hit) continue;
      if (/node_modules\/|\/src\//.test(f.url) || hit === 'garbage collection' || hit === 'idle') found = hit;
      else fallback ??= hit;
    }
    const result = found ?? fallback ?? 'other (native, program)';
    cat.set(id, result);
    return result;
  };
  const us = new Map<string, number>();
  selfTime.clear();
  let t = p.startTime;
  p.samples.forEach((id, i) => {
    t += p.timeDeltas[i] ?? 0;
    if (t < fromUs) return;
    const c = categoryOf(id);
    us.set(c, (us.get(c) ?? 0) + (p.timeDeltas[i] ?? 0));
    const f = byId.get(id)!.callFrame;
    const name = `${c}: ${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/src\//, 'src/')}`;
    selfTime.set(name, (selfTime.get(name) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  return us;
}

function args() {
  const a = process.argv.slice(2);
  const get = (name: string, fallback: string) => {
    const i = a.indexOf(`--${name}`);
    return i >= 0 && a[i + 1] ? a[i + 1] : fallback;
  };
  return { baseline: a.includes('--baseline'), top: Number(get('top', '0')), database: get('database', ''), seconds: Number(get('seconds', '10')), connections: Number(get('connections', '8')), logLevel: get('log-level', 'info') };
}

async function profileOne(label: string, script: string, databaseUrl: string, logLevel: string, seconds: number, top: number, run: (port: number) => Promise<{ requests: number; non2xx: number }>) {
  const dir = mkdtempSync(join(tmpdir(), 'pipework-prof-'));
  const flags = [...START_FLAGS, '--cpu-prof', `--cpu-prof-dir=${dir}`];
  const server = await startServer(fileURLToPath(new URL(`./servers/${script}.ts`, import.meta.url)), { DATABASE_URL: databaseUrl, LOG_LEVEL: logLevel, RETENTION_INTERVAL_MINUTES: '0' }, 60_000, flags);
  const r = await run(server.port);
  const ok = r.requests - r.non2xx;
  await server.stop();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  rmSync(dir, { recursive: true, force: true });
  // Only the load: the last `seconds` (and half a second of shutdown) of the profile, not start-up.
  const us = summarise(profile, profile.endTime - (seconds + 0.5) * 1e6);
  const busy = [...us].filter(([k]) => k !== 'idle').reduce((s, [, v]) => s + v, 0);
  console.log(`\n${label}: ${ok} answered, ${(busy / 1000 / ok).toFixed(3)} ms CPU (profiled, not idle) per request`);
  for (const [k, v] of [...us].filter(([k]) => k !== 'idle').sort((x, y) => y[1] - x[1])) {
    console.log(`  ${k.padEnd(46)} ${((100 * v) / busy).toFixed(1).padStart(5)} %  ${(v / ok).toFixed(1).padStart(7)} µs/req`);
  }
  if (top) console.log(`  top ${top} functions by self time:`);
  for (const [k, v] of [...selfTime].filter(([k]) => !k.startsWith('idle')).sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`    ${(v / ok).toFixed(1).padStart(6)} µs/req  ${k}`);
}

const o = args();
const db = o.database ? { url: o.database, drop: async () => {} } : await freshDatabaseUrl();
try {
  // A first start creates the schema and the demo council, then the key is made.
  const first = await startServer(fileURLToPath(new URL('./servers/pipework.ts', import.meta.url)), { DATABASE_URL: db.url }, 60_000);
  await first.stop();
  const store = await openStore(db.url);
  const { key } = await createApiKey(store, 'profile');
  await store.close();
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const url = (port: number) => `http://127.0.0.1:${port}/open311/v2/requests.json`;
  for (const script of o.baseline ? ['pipework', 'baseline'] : ['pipework']) {
    const of = `${script}, ${o.connections} connections, ${o.seconds} s${script === 'pipework' ? `, LOG_LEVEL=${o.logLevel}` : ''}`;
    await profileOne(`POST (${of})`, script, db.url, o.logLevel, o.seconds, o.top, (port) => wrk({ url: url(port), method: 'POST', body: postBody(key), headers: form, connections: o.connections, seconds: o.seconds }));
    await profileOne(`filtered GET (${of})`, script, db.url, o.logLevel, o.seconds, o.top, (port) => wrk({ url: `${url(port)}?${listQuery()}`, method: 'GET', headers: {}, connections: o.connections, seconds: o.seconds }));
  }
} finally {
  await db.drop();
}
