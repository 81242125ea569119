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
    const startP50 = pct(start, 0.5);

    // Postcode lookup on the location page with a council-sized gazetteer: 25 addresses a postcode.
    const total = quick ? 50_000 : 500_000;
    const postcodes = Math.ceil(total / 25);
    const postcodeOf = (i: number) => `EX${1 + (i % 9)} ${Math.floor(i / 9) % 10}${String.fromCharCode(65 + (Math.floor(i / 90) % 26))}${String.fromCharCode(65 + (Math.floor(i / 2340) % 26))}`;
    const t0 = performance.now();
    for (let start = 0; start < total; start += 5000) {
      const batch = [];
      for (let i = start; i < Math.min(total, start + 5000); i++) {
        const pc = postcodeOf(i % postcodes);
        batch.push({ uprn: String(200000000000 + i), address: `${1 + Math.floor(i / postcodes)} Bench Street ${i % postcodes}, Exampleton, ${pc}`, street: `Bench Street ${i % postcodes}`, town: 'Exampleton', postcode: pc, easting: 529000 + (i % 1000), northing: 179000 + (i % 997), lat: 51.5, long: -0.14 });
      }
      await store.addresses.put(batch);
    }
    const importSeconds = (performance.now() - t0) / 1000;
    const lookups: number[] = [];
    for (let i = 0; i < (quick ? 100 : 300); i++) {
      const url = `/report/pothole/location?find=${encodeURIComponent(postcodeOf((i * 7919) % postcodes))}`;
      const t = performance.now();
      const res = await app.inject({ url, headers: { cookie } });
      lookups.push(performance.now() - t);
      if (res.statusCode !== 200 || !res.body.includes('name="uprn"')) throw new Error(`${url} answered ${res.statusCode} without addresses`);
    }
    const lookupP50 = pct(lookups.slice(20), 0.5);
    return [
      { section, name: `postcode lookup on the location page, ${total.toLocaleString('en-GB')} addresses imported, p50`, value: lookupP50, unit: 'ms', target: '< 20 ms', met: lookupP50 < 20, note: `app.inject, SQLite, about 25 addresses a postcode, page rendered with them; import took ${importSeconds.toFixed(0)} s` },
      { section, name: 'service form page render (pothole question), p50', value: p50, unit: 'ms', target: '< 20 ms', met: p50 < 20, note: `app.inject, SQLite, ${n} renders with a stored session` },
      { section, name: 'service form page render, p95', value: pct(form, 0.95), unit: 'ms' },
      { section, name: 'start page render (all services by group), p50', value: startP50, unit: 'ms', target: '< 20 ms', met: startP50 < 20 },
      { section, name: 'search "hole in road", p50', value: pct(search, 0.5), unit: 'ms' },
    ];
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
