import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Runs `pipework serve` as a real child process (the binary a council runs);
 * resolves with its base URL once it listens. `output()` is everything it has
 * printed so far (its log lines are JSON).
 */
export async function serveProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['bin/pipework.js', 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stderr!.on('data', (d) => (printed += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${printed}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      printed += line + '\n';
      const m = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${printed}`)));
  });
  return { child, url, output: () => printed };
}
