import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from '../types.ts';
import { openStore } from '../../src/store/index.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { loadConfig } from '../../src/config/load.ts';
import { buildApp } from '../../src/app.ts';

const section = 'web';
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/**
 * Resident web: server-side time to render a service's form page (the
 * pothole's first question, with a stored session and a CSRF token, as a
 * returning resident sees it), through app.inject on SQLite in a temporary
 * folder. Also the start page and a search, which read the whole catalogue.
 */
export default async function ({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pipework-bench-web-'));
  const store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
  const app = await buildApp(loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, LOG_LEVEL: 'silent' }), { store });
  try {
    await seedDemo(store);
    // A stored session, as a resident has it once they have answered one question
    // (opening a form alone gives only a cookie, no row).
    const first = await app.inject({ url: '/report/pothole/question/depth' });
    if (first.statusCode !== 200) throw new Error(`form page answered ${first.statusCode}`);
    const token = /name="_csrf" value="([^"]+)"/.exec(first.body)?.[1] ?? '';
    const answered = await app.inject({
      method: 'POST',
      url: '/report/pothole/question/depth',
      headers: { cookie: String(first.headers['set-cookie']).split(';')[0], 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ answer: 'deep', _csrf: token }).toString(),
    });
    if (answered.statusCode !== 303) throw new Error(`answering the form answered ${answered.statusCode}`);
    const cookie = String(answered.headers['set-cookie']).split(';')[0];

    const time = async (url: string, n: number) => {
      for (let i = 0; i < 20; i++) await app.inject({ url, headers: { cookie } }); // warm templates and caches
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const res = await app.inject({ url, headers: { cookie } });
        samples.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
      }
      return samples;
    };
    const n = quick ? 100 : 500;
    const form = await time('/report/pothole/question/depth', n);
    const start = await time('/', quick ? 50 : 200);
    const search = await time('/search?q=hole+in+road', quick ? 50 : 200);
    const p50 = pct(form, 0.5);
    return [
      { section, name: 'service form page render (pothole question), p50', value: p50, unit: 'ms', target: '< 20 ms', met: p50 < 20, note: `app.inject, SQLite, ${n} renders with a stored session` },
      { section, name: 'service form page render, p95', value: pct(form, 0.95), unit: 'ms' },
      { section, name: 'start page render (all services by group), p50', value: pct(start, 0.5), unit: 'ms' },
      { section, name: 'search "hole in road", p50', value: pct(search, 0.5), unit: 'ms' },
    ];
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
