import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/pipework.js', import.meta.url));

export interface CliResult {
  /** The exit code; null if the process was killed (the timeout). */
  code: number | null;
  out: string;
  err: string;
}

// Each call is a Node process compiling TypeScript: more than two at once only thrash a small machine.
const MAX_AT_ONCE = 2;
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  // A finished call hands its slot straight to the next waiting one.
  if (running < MAX_AT_ONCE) running++;
  else await new Promise<void>((r) => waiting.push(r));
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/**
 * `npx pipework ARGS` as an operator runs it: the real binary in a child
 * process, with only PATH and the given environment. Asynchronous, so a peer
 * served by the test process (a webhook back-end) can answer meanwhile.
 */
export function pipework(args: string[], env: Record<string, string>): Promise<CliResult> {
  return slot(
    () =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          [bin, ...args],
          { env: { PATH: process.env.PATH!, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 120_000 },
          (error, out, err) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out, err }),
        );
      }),
  );
}
