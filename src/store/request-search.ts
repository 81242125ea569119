import { CompiledQuery, sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { PREPARED } from './postgres/driver.ts';
import { isPostgres } from './migrations/dialect.ts';
import type { Database } from './schema.ts';
import type { RequestQuery } from '../core/store.ts';
import { STATUSES } from '../core/statuses.ts';

type RequestRow = Selectable<Database['service_requests']>;

/**
 * Most (service code × status) pairs searched as separate index ranges; past
 * this, the shorter list becomes the ranges and the other a filter.
 */
export const MAX_ARMS = 32;

/** Parses a public request id; anything that is not a positive integer matches no row. */
const rowId = (id: string): number | undefined => (/^[1-9]\d{0,15}$/.test(id) ? Number(id) : undefined);

/** One index range of a search: equality on `eq`, optional filters in `inList`, and which index serves it. */
interface Arm {
  index: string;
  eq: Partial<Record<'service_code' | 'status', string>>;
  inList: Partial<Record<'service_code' | 'status', string[]>>;
}

/**
 * Splits a search into index ranges that each return rows already in
 * "newest first" order, so the database merges them and stops after one page,
 * whatever the size of the table and however rare a status is. (An IN list
 * over an index makes both engines read every match and sort it, or scan the
 * time index past every non-match; see docs/decisions/0042.)
 */
export function armsOf(codes: string[], statuses: string[]): Arm[] {
  if (!codes.length && !statuses.length) return [{ index: 'service_requests_by_time', eq: {}, inList: {} }];
  if (codes.length && statuses.length && codes.length * statuses.length <= MAX_ARMS) {
    return codes.flatMap((c) => statuses.map((s) => ({ index: 'service_requests_by_service_status', eq: { service_code: c, status: s }, inList: {} })));
  }
  const byCode = codes.length && (!statuses.length || codes.length <= statuses.length);
  return byCode
    ? codes.map((c) => ({ index: 'service_requests_by_service', eq: { service_code: c }, inList: statuses.length ? { status: statuses } : {} }))
    : statuses.map((s) => ({ index: 'service_requests_by_status', eq: { status: s }, inList: codes.length ? { service_code: codes } : {} }));
}

const ORDER = sql`order by requested_at desc, id desc`;

/**
 * A service code or status that PostgreSQL's list statement carries in its text, not as a parameter: the
 * statement is prepared (decision 0183), and a generic plan that does not know the value estimates it from
 * the number of distinct values alone. On a store of one service and one status, as a pilot's is, any other
 * value then looks as if it matched every row, and the plan walks the whole window through the time index
 * to find none (decision 0187). Values of other shapes stay parameters (and are never written into SQL).
 */
const PLAIN = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The SQL of GET requests. On SQLite each range names its index (INDEXED BY),
 * so statistics can never steer the planner to a skip-scan plus sort; the
 * ranges are one compound SELECT that SQLite merges lazily. On PostgreSQL each
 * range is a parenthesised SELECT with its own ORDER BY and LIMIT, which the
 * planner turns into a Merge Append of backward index scans.
 */
export function searchSql(q: RequestQuery, postgres: boolean): RawBuilder<RequestRow> | undefined {
  const limit = q.pageSize;
  const offset = (q.page - 1) * q.pageSize;
  const conds: RawBuilder<unknown>[] = [sql`jurisdiction_id = ${q.jurisdictionId}`];
  if (q.ids) {
    const ids = [...new Set(q.ids.map(rowId).filter((n): n is number => n !== undefined))];
    if (!ids.length) return undefined;
    conds.push(sql`id in (${sql.join(ids)})`);
    return sql<RequestRow>`select * from service_requests where ${sql.join(conds, sql` and `)} ${ORDER} limit ${limit} offset ${offset}`;
  }
  if (q.from) conds.push(sql`requested_at >= ${q.from.getTime()}`);
  if (q.to) conds.push(sql`requested_at <= ${q.to.getTime()}`);
  const statuses = [...new Set(q.statuses ?? [])];
  // Every status listed is no filter at all (a request always has one of them): skip the ranges.
  const arms = armsOf([...new Set(q.serviceCodes ?? [])], statuses.length === STATUSES.length ? [] : statuses);
  const armSql = (arm: Arm) => {
    const where = [...conds];
    for (const [col, v] of Object.entries(arm.eq)) where.push(sql`${sql.ref(col)} = ${postgres && PLAIN.test(v) ? sql.lit(v) : v}`);
    for (const [col, vs] of Object.entries(arm.inList)) where.push(sql`${sql.ref(col)} in (${sql.join(vs)})`);
    const from = postgres ? sql`service_requests` : sql`service_requests indexed by ${sql.raw(arm.index)}`;
    return sql`select * from ${from} where ${sql.join(where, sql` and `)}`;
  };
  if (arms.length === 1) return sql<RequestRow>`${armSql(arms[0])} ${ORDER} limit ${limit} offset ${offset}`;
  // Each range needs at most offset + limit rows: that bounds the work of a page.
  const union = postgres
    ? sql.join(arms.map((a) => sql`(${armSql(a)} ${ORDER} limit ${offset + limit})`), sql` union all `)
    : sql.join(arms.map(armSql), sql` union all `);
  return sql<RequestRow>`${union} ${ORDER} limit ${limit} offset ${offset}`;
}

/** Runs a GET requests search; rows come newest first, then by id. */
export async function searchRows(db: Kysely<Database>, q: RequestQuery): Promise<RequestRow[]> {
  const postgres = isPostgres(db);
  const query = searchSql(q, postgres);
  if (!query) return [];
  if (!postgres || q.ids) return (await query.execute(db)).rows;
  // One text per filter (which codes and statuses, which bounds): prepared once per connection (decision
  // 0183); the plan guard's tests check the generic plans PostgreSQL then uses.
  const { sql: text, parameters } = query.compile(db);
  return (await db.executeQuery<RequestRow>(CompiledQuery.raw(`${PREPARED}${text}`, [...parameters]))).rows;
}
