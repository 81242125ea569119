import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/index.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';

/**
 * A fresh, migrated database for one test file, on the dialect DATABASE_URL
 * names: SQLite in a temporary folder, or a new PostgreSQL database created on
 * that server (so test files running at once never share data). `drop()` removes it.
 */
export async function freshDatabaseUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base?.startsWith('postgres')) {
    const dir = mkdtempSync(join(tmpdir(), 'pipework-test-'));
    return { url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `pipework_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A migrated store on a fresh database; close() also drops the database. */
export async function freshStore() {
  const { url, drop } = await freshDatabaseUrl();
  const store = await openStore(url);
  const closeStore = store.close;
  return Object.assign(store, {
    url,
    close: async () => {
      await closeStore();
      await drop();
    },
  });
}

/** The METRICS_TOKEN of test configurations: send it as `Authorization: Bearer …` to read /metrics. */
export const METRICS_TOKEN = 'test-metrics-token';

/** Configuration for tests: defaults, a quiet logger, and the given database. */
export const testConfig = (databaseUrl: string, overrides: Partial<Config> = {}): Config =>
  loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://pipework.test', METRICS_TOKEN }, overrides);
