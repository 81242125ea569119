/**
 * Idle RSS of `npm start` (RSS does not depend on how busy the machine is):
 *
 *   node --import tsx bench/idle-rss.ts [--database URL] [--starts 3]
 *
 * Starts `node --max-semi-space-size=4 bin/pipework.js serve` (package.json's start), waits for /readyz and then
 * three seconds, reads VmRSS and the V8 heap (from /metrics' process figures is not needed: /proc is enough), stops it;
 * prints the median of the starts. Without --database, a fresh SQLite file (the demo council is seeded on first start).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, rssMb, stopChild } from './lib/load.ts';

const a = process.argv.slice(2);
const arg = (name: string, fallback: string) => (a.includes(`--${name}`) ? a[a.indexOf(`--${name}`) + 1] : fallback);
const dir = mkdtempSync(join(tmpdir(), 'pipework-rss-'));
const database = arg('database', `sqlite:${join(dir, 'rss.db')}`);
const starts = Number(arg('starts', '3'));
const figures: number[] = [];
try {
  for (let k = 0; k < starts; k++) {
    const port = await freePort();
    const child = spawn(process.execPath, ['--max-semi-space-size=4', 'bin/pipework.js', 'serve'], {
      env: { PATH: process.env.PATH!, DATABASE_URL: database, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    try {
      for (let t = Date.now(); Date.now() - t < 60_000; await new Promise((r) => setTimeout(r, 50))) {
        if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) break;
      }
      await new Promise((r) => setTimeout(r, 3000));
      figures.push(rssMb(child.pid!));
    } finally {
      await stopChild(child);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const sorted = [...figures].sort((x, y) => x - y);
console.log(`idle RSS after start: median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} MB (${figures.map((f) => f.toFixed(1)).join(', ')})`);
