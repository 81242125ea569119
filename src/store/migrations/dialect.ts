import { PostgresAdapter, type Kysely } from 'kysely';

// Kept inside migrations/ so migrations stay frozen: they never import application code (the store imports it from here).
export const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/** An auto-incrementing 64-bit primary key, spelled for each dialect. */
export const idType = (db: Kysely<any>) => (isPostgres(db) ? 'bigserial' : 'integer');
