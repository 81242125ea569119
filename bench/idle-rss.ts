/**
 * Idle RSS of `npm start` (RSS does not depend on how busy the machine is):
 *
 *   node --import tsx bench/idle-rss.ts [--database URL] [--starts 3]
 *
 * Starts `bin/pipework.js serve` with package.json's start flags (startBinary), waits for /readyz and then
 * three seconds, reads VmRSS and the V8 heap (from /metrics' process figures is not needed: /proc is enough), stops it;
 * prints the median of the starts. Without --database, a fresh SQLite file (the demo council is seeded on first start).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rssMb, startBinary } from './lib/load.ts';

const a = process.argv.slice(2);
const arg = (name: string, fallback: string) => (a.includes(`--${name}`) ? a[a.indexOf(`--${name}`) + 1] : fallback);
const dir = mkdtempSync(join(tmpdir(), 'pipework-rss-'));
const database = arg('database', `sqlite:${join(dir, 'rss.db')}`);
const starts = Number(arg('starts', '3'));
const figures: number[] = [];
try {
  for (let k = 0; k < starts; k++) {
    const server = await startBinary({ DATABASE_URL: database, LOG_LEVEL: 'warn' });
    try {
      await new Promise((r) => setTimeout(r, 3000));
      figures.push(rssMb(server.pid));
    } finally {
      await server.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const sorted = [...figures].sort((x, y) => x - y);
console.log(`idle RSS after start: median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} MB (${figures.map((f) => f.toFixed(1)).join(', ')})`);
