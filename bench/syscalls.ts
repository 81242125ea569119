/**
 * Work per request that does not depend on how busy the machine is: the
 * server process's write syscalls (strace -c) and its CPU time (utime+stime
 * from /proc; --no-strace for CPU without ptrace's cost) over `--requests` POSTs sent by wrk-free plain fetch, one after another.
 *
 *   node --import tsx bench/syscalls.ts [--database URL] [--requests 2000] [--log-level info]
 *
 * Pipework runs with `npm start`'s config (bench/servers/pipework.ts, through tsx), its stdout a
 * pipe drained by this process, as under systemd or a container runtime.
 */
import { spawn } from 'node:child_process';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, START_FLAGS } from './lib/load.ts';
import { postBody } from './lib/workload.ts';
import { openStore } from '../src/store/index.ts';
import { createApiKey } from '../src/core/access/api-keys.ts';
import { freshDatabaseUrl } from '../test/support/db.ts';

const a = process.argv.slice(2);
const arg = (name: string, fallback: string) => (a.includes(`--${name}`) ? a[a.indexOf(`--${name}`) + 1] : fallback);
const n = Number(arg('requests', '2000'));
const db = arg('database', '') ? { url: arg('database', ''), drop: async () => {} } : await freshDatabaseUrl();
const child = fork(fileURLToPath(new URL('./servers/pipework.ts', import.meta.url)), [], {
  execArgv: [...START_FLAGS, '--import', 'tsx'],
  env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: arg('log-level', 'info'), RETENTION_INTERVAL_MINUTES: '0' },
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
let logBytes = 0;
child.stdout!.on('data', (d: Buffer) => (logBytes += d.length));
try {
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port?: number; error?: string }) => (m.port ? resolve(m.port) : reject(new Error(m.error))));
  });
  const store = await openStore(db.url);
  const { key } = await createApiKey(store, 'syscalls');
  await store.close();
  const url = `http://127.0.0.1:${port}/open311/v2/requests.json`;
  const body = postBody(key);
  const post = async () => {
    const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await r.arrayBuffer();
  };
  for (let k = 0; k < 200; k++) await post(); // warm-up
  const traced = !a.includes('--no-strace');
  const strace = spawn(traced ? 'strace' : 'true', ['-f', '-c', '-e', 'trace=write,writev,sendto,sendmsg', '-p', String(child.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let report = '';
  strace.stderr!.on('data', (d) => (report += d));
  await new Promise((r) => setTimeout(r, 500));
  const cpu0 = cpuSeconds(child.pid!);
  const bytes0 = logBytes;
  for (let k = 0; k < n; k++) await post();
  const cpu = cpuSeconds(child.pid!) - cpu0;
  const logged = logBytes - bytes0;
  if (traced) {
    strace.kill('SIGINT');
    await new Promise((r) => strace.once('exit', r));
  }
  const calls = [...report.matchAll(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$/gm)].map((m) => [m[2], Number(m[1])] as const);
  console.log(`${n} POSTs, LOG_LEVEL=${arg('log-level', 'info')}: CPU ${((1000 * cpu) / n).toFixed(3)} ms/req (utime+stime${traced ? ', under strace' : ''}), log ${(logged / n).toFixed(0)} bytes/req`);
  for (const [name, c] of calls) console.log(`  ${name.padEnd(8)} ${(c / n).toFixed(2)} calls/req`);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await db.drop();
}
