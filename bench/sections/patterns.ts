import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from '../types.ts';
import { openStore } from '../../src/store/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { submitRequest } from '../../src/core/requests/submit.ts';
import { recordUpdate } from '../../src/core/requests/record-update.ts';
import { readPatternText } from '../../src/patterns/files.ts';
import { LIBRARY_DIR } from '../../src/patterns/library.ts';

const section = 'patterns';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Service patterns: how long validating the starter library takes (YAML parse
 * + schema + rules), and what the process rules add to each status update
 * (recordUpdate vs the bare store write) on SQLite in a temporary folder.
 */
export default async function ({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const texts = readdirSync(LIBRARY_DIR).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(LIBRARY_DIR, f), 'utf8'));
  const rounds: number[] = [];
  for (let i = 0; i < (quick ? 5 : 20); i++) {
    const t = performance.now();
    for (const text of texts) if (readPatternText(text).problems.length) throw new Error('library pattern invalid');
    rounds.push(performance.now() - t);
  }
  const rows: BenchRow[] = [
    { section, name: `validate starter library (${texts.length} YAML files), median warm`, value: median(rounds), unit: 'ms' },
    { section, name: 'validate one pattern file, median warm', value: median(rounds) / texts.length, unit: 'ms', target: '< 10 ms', met: median(rounds) / texts.length < 10 },
  ];

  const dir = mkdtempSync(join(tmpdir(), 'pipework-bench-patterns-'));
  const store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
  try {
    await seedDemo(store);
    const n = quick ? 200 : 1000;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await submitRequest(store, { jurisdictionId: 'example', serviceCode: 'pothole', attributes: { depth: 'deep' }, location: { lat: '51.5', long: '-0.14' }, contact: {}, mediaUrls: [], source: 'bench' });
      ids.push(r.id);
    }
    const update = (id: string, status: string) => ({ requestId: id, jurisdictionId: 'example', status: status as never, description: 'bench', mediaUrls: [], authorKind: 'backend' as const, contact: {} });
    let t = performance.now();
    for (const id of ids) await store.requests.addUpdate(update(id, 'unchanged'));
    const bare = (performance.now() - t) / n;
    t = performance.now();
    for (const id of ids) await recordUpdate(store, update(id, 'investigating'));
    const ruled = (performance.now() - t) / n;
    t = performance.now();
    for (const id of ids) await recordUpdate(store, update(id, 'closed')); // not in the pothole process: flagged
    const flagged = (performance.now() - t) / n;
    rows.push(
      { section, name: 'status update, bare store write (SQLite)', value: bare, unit: 'ms/update', note: `${n} sequential updates` },
      { section, name: 'status update through recordUpdate with process rules (SQLite)', value: ruled, unit: 'ms/update', note: `difference from the bare write: ${(ruled - bare).toFixed(2)} ms (one extra request read; the commit's fsync dominates)` },
      { section, name: 'disallowed back-end update, recorded and flagged (SQLite)', value: flagged, unit: 'ms/update' },
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
