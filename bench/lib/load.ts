import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { wrk } from './wrk.ts';

/** What one load run measured. Latencies in ms; `rps` counts 2xx answers only. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  /** Wall-clock seconds the run lasted. */
  seconds: number;
}

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
}

/**
 * Drives one URL on 127.0.0.1 with wrk (bench/lib/wrk.ts), bounded in time
 * (`seconds`) and in count (MAX_REQUESTS). A C load generator: autocannon,
 * in Node, took a core from the server on two cores.
 */
export async function load(o: LoadOptions): Promise<LoadResult> {
  if (!new URL(o.url).hostname.startsWith('127.')) throw new Error(`load runs only against 127.0.0.1, not ${o.url}`);
  const run = await wrk({ url: o.url, method: o.method ?? 'GET', body: o.body, headers: o.headers ?? {}, connections: o.connections, seconds: o.seconds });
  const ok = run.requests - run.non2xx;
  return { rps: ok / run.seconds, p50: run.p50, p99: run.p99, ok, failed: run.non2xx + run.socketErrors, seconds: run.seconds };
}

/** Resident memory of a process in MB: now (`VmRSS`) or its peak since the last reset (`VmHWM`). */
export function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) a process has used so far, from /proc/PID/stat. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // Fields 14 and 15 of stat (utime, stime), counted from the state field (3rd) onwards; clock ticks of 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Starts a new peak-RSS measurement for a process (Linux: clear_refs 5 resets VmHWM). */
export function resetPeak(pid: number) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Without it, the peak covers the process's whole life: still an upper bound.
  }
}

export interface Server {
  port: number;
  pid: number;
  /** The child process, for IPC (bench/lib/count-statements.mjs answers over it). */
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs a bench server script in a child process of its own (so its memory
 * and CPU are its own) and waits for it to report its port over IPC.
 */
export function startServer(script: string, env: Record<string, string>, timeoutMs = 60_000, nodeFlags: string[] = []): Promise<Server> {
  const child = fork(script, [], {
    execArgv: [...nodeFlags, '--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready`));
    });
    child.once('message', (m: { port?: number; error?: string }) => {
      clearTimeout(timer);
      if (!m.port) return reject(new Error(`${script}: ${m.error}`));
      resolve({ port: m.port, pid: child.pid!, child, stop: () => stopChild(child) });
    });
  });
}

/** SIGTERM, then SIGKILL if the child has not gone within 10 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A TCP port that was free a moment ago, for a process that cannot listen on port 0 and tell us. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The Node flags `npm start` uses (package.json scripts.start), so the benchmarks run Pipework as deployed. */
export const START_FLAGS: string[] = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts.start as string)
  .split(/\s+/)
  .filter((w) => w.startsWith('--'));

/**
 * `npx pipework serve` as `npm start` runs it (the binary, with its Node flags) on 127.0.0.1 and a free port,
 * once /readyz answers 200; with the seconds from spawning until then (what an operator waits for after a
 * restart) and the process's CPU seconds by then (less sensitive to a busy machine).
 */
export async function startBinary(env: Record<string, string>, nodeFlags = START_FLAGS, timeoutMs = 60_000): Promise<Server & { seconds: number; cpu: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, 'bin/pipework.js', 'serve'], {
    env: { PATH: process.env.PATH!, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  while (performance.now() - started < timeoutMs && child.exitCode === null) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ok) return { port, pid: child.pid!, child, stop: () => stopChild(child), seconds: (performance.now() - started) / 1000, cpu: cpuSeconds(child.pid!) };
    await new Promise((r) => setTimeout(r, 20));
  }
  await stopChild(child);
  throw new Error(`pipework serve ${child.exitCode === null ? `was not ready within ${timeoutMs} ms` : `exited with ${child.exitCode}`}`);
}

/** Seconds (and CPU seconds) from spawning `npm start`'s command until /readyz answers 200. */
export async function startupSeconds(databaseUrl: string, nodeFlags = START_FLAGS, timeoutMs = 30_000): Promise<{ seconds: number; cpu: number }> {
  const { seconds, cpu, stop } = await startBinary({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, nodeFlags, timeoutMs);
  await stop();
  return { seconds, cpu };
}
