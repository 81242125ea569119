import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/pipework.js', import.meta.url));

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/**
 * `npx pipework ARGS` as an operator runs it: the real binary in a child
 * process, with only PATH and the given environment. Asynchronous, so a peer
 * served by the test process (a webhook back-end) can answer meanwhile.
 */
export function pipework(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH!, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 30_000 },
      (error, out, err) => resolve({ code: error ? ((error as { code?: unknown }).code as number | null) ?? null : 0, out, err }),
    );
  });
}
