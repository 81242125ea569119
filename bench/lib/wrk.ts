import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** At most this many requests per run, whatever the duration: every load loop is bounded in count as well as time. */
export const MAX_REQUESTS = 2_000_000;

export interface WrkRun {
  requests: number;
  non2xx: number;
  socketErrors: number;
  seconds: number;
  p50: number;
  p99: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
const ms = (v: string, unit: string) => Number(v) * UNIT_MS[unit];

/** Reads what `wrk --latency` prints. */
export function parseWrk(text: string): WrkRun {
  const latency = (pct: string) => {
    const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text);
    return m ? ms(m[1], m[2]) : NaN;
  };
  const done = /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)/m.exec(text);
  if (!done) throw new Error(`wrk printed no result:\n${text}`);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requests: Number(done[1]),
    seconds: ms(done[2], done[3]) / 1000,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
    socketErrors: errors ? errors.slice(1).reduce((s, n) => s + Number(n), 0) : 0,
    p50: latency('50'),
    p99: latency('99'),
  };
}

/** The request each connection repeats, and the stop after MAX_REQUESTS (wrk itself bounds only time). */
function script(method: string, body: string | undefined, headers: Record<string, string>): string {
  const long = (s: string) => `[==[${s}]==]`;
  return [
    `wrk.method = "${method}"`,
    body === undefined ? '' : `wrk.body = ${long(body)}`,
    // A space after `[`: `headers[[==[` would open a Lua long string, making the line a call that fails (and the header unset).
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[ ${long(k)} ] = ${long(v)}`),
    'local n = 0',
    `function response() n = n + 1; if n >= ${MAX_REQUESTS} then wrk.thread:stop() end end`,
  ].join('\n');
}

/**
 * One load run with Debian's `wrk`: one thread (about a tenth of a core, so
 * on two cores the server keeps its own), `connections` kept-alive
 * connections, for `seconds`.
 */
export function wrk(o: { url: string; method: string; body?: string; headers: Record<string, string>; connections: number; seconds: number }): Promise<WrkRun> {
  const dir = mkdtempSync(join(tmpdir(), 'pipework-wrk-'));
  const lua = join(dir, 'request.lua');
  writeFileSync(lua, script(o.method, o.body, o.headers));
  const args = ['-t1', `-c${o.connections}`, `-d${o.seconds}s`, '--timeout', '10s', '--latency', '-s', lua, o.url];
  return new Promise<WrkRun>((resolve, reject) => {
    execFile('wrk', args, { timeout: (o.seconds + 30) * 1000 }, (err, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return reject(new Error('wrk is not installed: apt-get install wrk (the benchmark drives load with it)'));
      if (err) return reject(new Error(`wrk failed: ${stderr || err.message}`));
      try {
        resolve(parseWrk(stdout));
      } catch (e) {
        reject(e);
      }
    });
  });
}
