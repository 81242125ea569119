import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type pgType from 'pg';
import { rowBuilder } from '../row-builder.ts';

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

/**
 * A statement whose text starts with this is prepared once on each connection and run by name after that
 * (decision 0183): for hot statements with one text per shape of input (a new request, a filtered list), so
 * PostgreSQL parses and plans them once.
 */
export const PREPARED = '/* prepared */ ';

const names = new Map<string, string>();
/** A statement's name: from its text alone, so every connection (and process) names a text alike. */
export const statementName = (text: string) => {
  let name = names.get(text);
  if (!name) {
    name = `pw_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    // Texts come from a handful of row shapes; the bound only keeps a mistake from growing the map without end.
    if (names.size < 1000) names.set(text, name);
  }
  return name;
};

/**
 * Errors after which a named statement is run again unnamed: its plan no longer fits a table that a newer
 * Pipework's migration changed under this running process (0A000), or a connection pooler in front of
 * PostgreSQL handed the statement to a server connection that never prepared it (26000) or that another
 * client had prepared it on already (42P05).
 */
const RUN_UNNAMED = new Set(['0A000', '26000', '42P05']);

/** Most statements one connection prepares; past it, further texts (odd filter shapes of a list) run unnamed. */
export const MAX_NAMED = 64;

/**
 * Kysely's rows, asked of pg as arrays and made into objects by one generated literal per column list:
 * pg's own row objects are copied from a template and then filled by name, which cost more (decision 0185).
 */
function withRowObjects(result: pgType.QueryArrayResult | pgType.QueryArrayResult[]): pgType.QueryResult {
  // A text of several statements without parameters runs as a simple query and gives one result for each.
  if (Array.isArray(result)) return result.map(withRowObjects) as unknown as pgType.QueryResult;
  if (result.fields?.length) {
    const build = rowBuilder(result.fields.map((f) => f.name));
    const rows = result.rows as unknown[];
    for (let i = 0; i < rows.length; i++) rows[i] = build(rows[i] as unknown[]);
  }
  return result as unknown as pgType.QueryResult;
}

/** pg's Client, running Kysely's statements marked PREPARED as named (prepared) statements, rows made by withRowObjects. */
export function preparingClient(): typeof pgType.Client {
  const { Client } = pgDriver();
  return class PreparingClient extends Client {
    /** Texts this connection runs unnamed from now on, after one of the errors above. */
    #unnamed = new Set<string>();
    /** Texts prepared on this connection: each keeps a plan in its server process, so there are at most MAX_NAMED. */
    #named = new Set<string>();

    // Kysely calls query(text, values); everything else passes through untouched.
    override query(...args: any[]): any {
      const [text, values] = args;
      if (typeof text !== 'string' || args.length !== 2) return (super.query as (...a: unknown[]) => unknown)(...args);
      const run = (config: pgType.QueryConfig) => super.query({ ...config, rowMode: 'array' }).then(withRowObjects);
      const marked = text.startsWith(PREPARED) && !this.#unnamed.has(text);
      if (!marked || (!this.#named.has(text) && this.#named.size >= MAX_NAMED)) return run({ text, values });
      this.#named.add(text);
      return run({ name: statementName(text), text, values }).catch((err: { code?: string }) => {
        if (!RUN_UNNAMED.has(err?.code ?? '')) throw err;
        this.#unnamed.add(text);
        return run({ text, values });
      });
    }
  } as typeof pgType.Client;
}
