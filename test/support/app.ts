import { buildApp } from '../../src/app.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { createApiKey } from '../../src/core/access/api-keys.ts';
import type { Config } from '../../src/config/schema.ts';
import { freshStore, testConfig } from './db.ts';

/**
 * The whole application on a fresh database with the demo council seeded and
 * one API key, for `app.inject()` tests. Call `close()` in `after()`.
 */
export async function demoApp(overrides: Partial<Config> = {}) {
  const store = await freshStore();
  await seedDemo(store);
  const { key } = await createApiKey(store, 'test client');
  const config = testConfig(store.url, overrides);
  const app = await buildApp(config, { store });
  return {
    app,
    store,
    key,
    config,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** An x-www-form-urlencoded body from pairs; repeated keys stay repeated. */
export const form = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();
export const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

/** A multipart/form-data body with fields and files, ready for `app.inject({ headers, payload })`. */
export async function multipart(fields: [string, string][], files: { field: string; name: string; data: Buffer | string }[]) {
  const fd = new FormData();
  for (const [k, v] of fields) fd.append(k, v);
  for (const f of files) fd.append(f.field, new Blob([typeof f.data === 'string' ? f.data : new Uint8Array(f.data)]), f.name);
  const req = new Request('http://multipart.invalid/', { method: 'POST', body: fd });
  return { headers: { 'content-type': req.headers.get('content-type')! }, payload: Buffer.from(await req.arrayBuffer()) };
}
