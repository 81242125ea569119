import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { CLOSED_STATUSES } from '../core/statuses.ts';

/**
 * The page a paged pull reads (`toCheck`), as index ranges on
 * `deliveries_to_check` (migration 0023: backend, checked_at, id, over the
 * rows a pull can read), never a scan of the back-end's delivered rows:
 *
 * 1. never-checked rows first (`checked_at is null`, by id), then the least
 *    recently checked (by checked_at, id): two ranges, not an ORDER BY over a
 *    coalesce, which no index serves;
 * 2. each range is read `limit` rows deep and the request's status is looked
 *    up per row (its primary key); rows whose request closed longer than the
 *    grace ago are not read, and are parked (`checked_at = PARKED`) so the
 *    next poll does not step over them again: without that, closed cases
 *    would pile up at the front of the order and every poll would walk them;
 * 3. a parked row whose request changed within the grace (reopened, or a late
 *    update) is unparked first, found through `service_requests_by_update`.
 */
export const PARKED = 8_640_000_000_000_000; // the largest JavaScript date, in ms

// The partial index's predicate, written as literals: a planner proves a partial index usable only from
// the query's own text (a bound parameter would hide it from SQLite and from PostgreSQL's generic plans).
const READABLE = sql<boolean>`d.kind = 'request' and d.state = 'delivered' and d.external_ref is not null and d.role <> 'former'`;
const readable = <Q extends { where: any }>(q: Q, backend: string): Q => q.where('d.backend', '=', backend).where(READABLE);

/** Range 1 or 2 of the page: `limit` readable rows in check order, each with its request's status and last change. */
export function pageRangeSql(db: Kysely<Database>, backend: string, range: 'never' | 'oldest', limit: number) {
  let q = readable(
    db
      .selectFrom('deliveries as d')
      .innerJoin('service_requests as r', 'r.id', 'd.request_id')
      .selectAll('d')
      .select(['r.status as request_status', 'r.updated_at as request_updated_at']),
    backend,
  );
  // Both ranges ordered as the index is (checked_at, id), so the planner reads it in order: for the null range
  // that is by id, but PostgreSQL only sees the index's order when the ORDER BY names its columns.
  q = (range === 'never' ? q.where('d.checked_at', 'is', null) : q.where('d.checked_at', '<', PARKED)).orderBy('d.checked_at').orderBy('d.id');
  return q.limit(limit);
}

/** The parked rows of requests changed since `since`: driven by the requests' change time, not by the parked rows. */
export function unparkSql(db: Kysely<Database>, backend: string, since: number) {
  return db
    .updateTable('deliveries')
    .set({ checked_at: null })
    .where('id', 'in', (eb) =>
      readable(
        eb
          .selectFrom('service_requests as r')
          .innerJoin('deliveries as d', 'd.request_id', 'r.id')
          .select('d.id')
          .where('r.updated_at', '>=', since),
        backend,
      ).where('d.checked_at', '=', PARKED),
    );
}

export async function pullPage(db: Kysely<Database>, backend: string, { limit, graceMs, now }: { limit: number; graceMs: number; now: number }) {
  const since = now - graceMs;
  await unparkSql(db, backend, since).execute();
  const rows = await pageRangeSql(db, backend, 'never', limit).execute();
  if (rows.length < limit) rows.push(...(await pageRangeSql(db, backend, 'oldest', limit - rows.length).execute()));
  const closed = new Set<string>(CLOSED_STATUSES);
  const gone = (r: (typeof rows)[number]) => closed.has(r.request_status) && Number(r.request_updated_at) < since;
  const parked = rows.filter(gone).map((r) => r.id);
  for (let i = 0; i < parked.length; i += 500) await db.updateTable('deliveries').set({ checked_at: PARKED }).where('id', 'in', parked.slice(i, i + 500)).execute();
  return rows.filter((r) => !gone(r));
}

