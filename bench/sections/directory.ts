import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from '../types.ts';
import { openStore } from '../../src/store/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { loadConfig } from '../../src/config/load.ts';
import { buildApp } from '../../src/app.ts';
import { importDirectory } from '../../src/standards/openreferral/import.ts';

const section = 'directory';
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * The Open Referral UK directory: GET /openreferral/services (first page, and a
 * text search) with 10,000 services imported (1,000 with --quick), through
 * app.inject on SQLite. The services are copies of the test fixture's, each
 * copy with fresh ids, imported through `directory import`'s own code.
 */
export default async function ({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pipework-bench-directory-'));
  const url = `sqlite:${join(dir, 'bench.db')}`;
  const store = await openStore(url);
  const app = await buildApp(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }), { store });
  try {
    await seedDemo(store);
    const sample = readFileSync(new URL('../../src/standards/openreferral/fixtures/sample-directory.json', import.meta.url), 'utf8');
    const target = quick ? 1000 : 10_000;
    const services: unknown[] = [];
    for (let copy = 0; services.length < target; copy++) {
      const fresh = new Map<string, string>();
      const text = sample.replace(UUID, (id) => fresh.get(id) ?? (fresh.set(id, randomUUID()), fresh.get(id)!)).replace(/"name": "([^"]+)"/g, `"name": "$1 ${copy}"`);
      services.push(...(JSON.parse(text) as unknown[]));
    }
    const file = join(dir, 'directory.json');
    writeFileSync(file, JSON.stringify(services.slice(0, target)));
    const started = performance.now();
    const imported = await importDirectory(file, store.directory, { maxBytes: 512 * 1024 * 1024, timeoutMs: 600_000, maxRedirects: 0, maxPages: 1, maxServices: target });
    const importSeconds = (performance.now() - started) / 1000;
    if (!imported.saved) throw new Error(`import refused: ${imported.problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ')}`);

    const time = async (path: string, n: number) => {
      for (let i = 0; i < 10; i++) await app.inject({ url: path });
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const res = await app.inject({ url: path });
        samples.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      }
      return samples;
    };
    const n = quick ? 50 : 200;
    const list = await time('/openreferral/services', n);
    const search = await time('/openreferral/services?text=food', n);
    const p50 = pct(list, 0.5);
    return [
      { section, name: `/openreferral/services, ${target} services, p50`, value: p50, unit: 'ms', target: '< 20 ms', met: p50 < 20, note: `app.inject, SQLite, first page, ${n} requests` },
      { section, name: '/openreferral/services, p95', value: pct(list, 0.95), unit: 'ms' },
      { section, name: '/openreferral/services?text=food, p50', value: pct(search, 0.5), unit: 'ms' },
      { section, name: `directory import of ${target} services`, value: importSeconds, unit: 's' },
    ];
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
