import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabaseUrl } from '../../test/support/db.ts';

/** The PostgreSQL server benchmarks use when DATABASE_URL names none. */
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh database for one benchmark section: SQLite in a temporary folder,
 * or a new database on the PostgreSQL server DATABASE_URL names (the local
 * one otherwise). `drop()` removes it.
 */
export async function benchDatabase(dialect: 'sqlite' | 'postgres'): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'pipework-bench-'));
    return { url: `sqlite:${join(dir, 'bench.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = saved?.startsWith('postgres') ? saved : LOCAL_POSTGRES;
  try {
    return await freshDatabaseUrl();
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
}
