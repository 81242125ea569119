import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** The signing secret the benchmark's webhook back-end checks. */
export const PEER_SECRET = 'bench-webhook-secret-0123456789';

/** The webhook back-end in a process of its own, as a real one would be (test/support/backends/webhook-peer-main.ts). */
export async function webhookPeer() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/backends/webhook-peer-main.ts', PEER_SECRET], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`webhook peer exited with ${code}`)));
  });
  return {
    url,
    /** The back-end's counts; with `wait`, once it holds that many cases (one call that waits, not a poll on the relay's thread). */
    stats: async (wait = 0) => (await (await fetch(`${url.replace(/\/hook$/, '/stats')}?wait=${wait}`)).json()) as { cases: number; calls: number; repeated: number },
    /** The back-end process's CPU so far, in µs (utime + stime from /proc, in clock ticks of 10 ms). */
    cpuUs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10_000;
    },
    close: () => new Promise<void>((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM')))),
  };
}
