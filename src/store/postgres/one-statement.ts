import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { PREPARED } from './driver.ts';
import { entries, idColumns, insertSql, type NewRequestRows, type RequestRow } from '../request-writer.ts';

/**
 * PostgreSQL: the request and its linked rows in ONE statement (data-modifying
 * CTEs), so a durable create costs one round trip and one commit. A single
 * statement is atomic on its own: no BEGIN/COMMIT round trips needed.
 * Linked rows use VALUES (not INSERT … SELECT) so each parameter takes its column's type.
 */
export async function insertOneStatement(db: Kysely<Database>, rows: NewRequestRows): Promise<RequestRow> {
  const params: unknown[] = [];
  const bind = (values: [string, unknown][]) => {
    const first = params.length;
    params.push(...values.map(([, v]) => v));
    return (i: number) => `$${first + i + 1}`;
  };
  const req = entries(rows.request);
  const parts = [`with r as (${insertSql('service_requests', req.map(([c]) => c), bind(req), ' returning *')})`];
  rows.linked.forEach((l, i) => {
    const vals = entries(l.values).filter(([c]) => !idColumns(l).includes(c));
    const at = bind(vals);
    const cols = [...vals.map(([c]) => c), ...idColumns(l)];
    parts.push(`l${i} as (${insertSql(l.table, cols, (k) => (k < vals.length ? at(k) : k === vals.length ? '(select id from r)' : '(select id::text from r)'))})`);
  });
  const [row] = (await db.executeQuery<RequestRow>(CompiledQuery.raw(`${PREPARED}${parts.join(', ')} select * from r`, params))).rows;
  return row;
}

