import { createRequire } from 'node:module';
import type pgType from 'pg';

const require = createRequire(import.meta.url);
let pg: typeof pgType | undefined;

/** The PostgreSQL driver, loaded when a postgres:// DATABASE_URL is opened: SQLite never pays for it at start. */
export function pgDriver(): typeof pgType {
  if (!pg) {
    pg = require('pg') as typeof pgType;
    // BIGINT (int8) comes back from pg as a string by default; our ids and epoch-ms times fit in a double.
    pg.types.setTypeParser(20, (v) => Number(v));
  }
  return pg;
}
