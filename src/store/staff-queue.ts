import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { isPostgres } from './migrations/dialect.ts';
import type { Database } from './schema.ts';
import type { CaseOwner, QueueQuery, StaffQueueStore } from '../core/cases/queue.ts';
import type { DeliveryState } from '../core/delivery/outbox.ts';
import { CLOSED_STATUSES, STATUSES } from '../core/statuses.ts';
import { armsOf } from './request-search.ts';
import { requestFromRow } from './rows.ts';
import { dashboardCounts } from './staff-dashboard.ts';

type RequestRow = Selectable<Database['service_requests']>;

const REFERENCE = /^\d{1,15}$/;
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The staff queue's SQL: the same merged index ranges as GET requests
 * (request-search.ts, docs/decisions/0042), newest or oldest first, so a page
 * is read without sorting; the other filters are checked along each range.
 * "Assigned to me" starts from the assignments instead, which are few per person.
 */
export function queueSql(q: QueueQuery, postgres: boolean, select: 'rows' | 'ids', limit: number, offset: number, within?: number[]): RawBuilder<RequestRow> {
  const dir = q.order === 'oldest' ? sql`asc` : sql`desc`;
  const order = sql`order by requested_at ${dir}, id ${dir}`;
  const conds: RawBuilder<unknown>[] = [sql`jurisdiction_id = ${q.jurisdictionId}`];
  const text = q.text?.trim();
  if (text && REFERENCE.test(text)) conds.push(sql`id = ${Number(text)}`);
  else if (text) {
    const like = `%${likeEscape(text.toLowerCase())}%`;
    conds.push(sql`(lower(coalesce(description, '')) like ${like} escape '\\' or lower(coalesce(address, '')) like ${like} escape '\\')`);
  }
  // Literal statuses, spelled as the partial index open_targets (0019) is, so both planners can use it.
  if (q.overdueAt) conds.push(sql`expected_at < ${q.overdueAt.getTime()} and status not in (${sql.join([...CLOSED_STATUSES].map((s) => sql.lit(s)))})`);
  if (within) conds.push(sql`id in (${sql.join(within)})`);
  if (q.assignedTo === null) conds.push(sql`not exists (select 1 from request_assignments a where a.request_id = service_requests.id)`);
  if (q.assignedToTeam !== undefined) conds.push(sql`id in (select request_id from request_assignments where jurisdiction_id = ${q.jurisdictionId} and team = ${q.assignedToTeam})`);
  if (q.assignedTo) conds.push(sql`id in (select request_id from request_assignments where jurisdiction_id = ${q.jurisdictionId} and user_id = ${Number(q.assignedTo)})`);
  if (q.after) {
    const at = q.after.requestedAt.getTime();
    const id = Number(q.after.id);
    conds.push(q.order === 'oldest' ? sql`(requested_at > ${at} or (requested_at = ${at} and id > ${id}))` : sql`(requested_at < ${at} or (requested_at = ${at} and id < ${id}))`);
  }
  const cols = select === 'rows' ? sql`*` : sql`id, requested_at`;
  const statuses = [...new Set(q.statuses ?? [])];
  // A reference or one person's assignments are a handful of rows: no range needed.
  const few = (text && REFERENCE.test(text)) || !!q.assignedTo || q.assignedToTeam !== undefined || !!within;
  // "Overdue" alone reads the open-with-target index (0019): finished requests are most of the table.
  const overdueOnly = !!q.overdueAt && !q.serviceCodes?.length && !statuses.length;
  const arms = few ? [{ index: '', eq: {}, inList: {} as Record<string, string[]> }] : overdueOnly ? [{ index: 'service_requests_open_targets', eq: {}, inList: {} as Record<string, string[]> }] : armsOf([...new Set(q.serviceCodes ?? [])], statuses.length === STATUSES.length ? [] : statuses);
  if (few) {
    if (q.serviceCodes?.length) conds.push(sql`service_code in (${sql.join(q.serviceCodes)})`);
    if (statuses.length) conds.push(sql`status in (${sql.join(statuses)})`);
  }
  const armSql = (arm: (typeof arms)[number]) => {
    const where = [...conds];
    for (const [col, v] of Object.entries(arm.eq)) where.push(sql`${sql.ref(col)} = ${v}`);
    for (const [col, vs] of Object.entries(arm.inList)) where.push(sql`${sql.ref(col)} in (${sql.join(vs as string[])})`);
    const from = postgres || !arm.index ? sql`service_requests` : sql`service_requests indexed by ${sql.raw(arm.index)}`;
    return sql`select ${cols} from ${from} where ${sql.join(where, sql` and `)}`;
  };
  if (arms.length === 1) return sql<RequestRow>`${armSql(arms[0])} ${order} limit ${limit} offset ${offset}`;
  const union = postgres
    ? sql.join(arms.map((a) => sql`(${armSql(a)} ${order} limit ${offset + limit})`), sql` union all `)
    : sql.join(arms.map(armSql), sql` union all `);
  return sql<RequestRow>`${union} ${order} limit ${limit} offset ${offset}`;
}

/** Past this many requests holding the words, a scan along the time range finds a page sooner than sorting them. */
const WORD_MATCHES = 2000;

export function staffQueueStore(db: Kysely<Database>): StaffQueueStore {
  const postgres = () => isPostgres(db);
  let wordIndex: Promise<boolean> | undefined;
  const hasWordIndex = () =>
    (wordIndex ??= postgres()
      ? sql<{ n: number }>`select count(*) as n from pg_indexes where indexname = 'service_requests_words'`.execute(db).then((r) => Number(r.rows[0]?.n) > 0)
      : Promise.resolve(true));

  /**
   * The requests whose description or address holds the words, from the trigram index (0019), when
   * they are few; undefined when there is no index to ask, the text is too short for trigrams, or
   * the words are common (then the range scan meets 50 of them quickly).
   */
  async function wordMatches(q: QueueQuery): Promise<number[] | undefined> {
    const text = q.text?.trim().toLowerCase();
    if (!text || REFERENCE.test(text) || text.length < 3 || !(await hasWordIndex())) return undefined;
    // SQLite's index is filled here rather than on insert (0019): first the requests made since the last search.
    if (!postgres()) await sql`insert into service_requests_text (rowid, body) select id, coalesce(description, '') || ' ' || coalesce(address, '') from service_requests where id > coalesce((select rowid from service_requests_text order by rowid desc limit 1), 0)`.execute(db);
    const found = postgres()
      ? await sql<{ id: number }>`select id from service_requests where jurisdiction_id = ${q.jurisdictionId} and lower(coalesce(description, '') || ' ' || coalesce(address, '')) like ${`%${likeEscape(text)}%`} escape '\\' limit ${WORD_MATCHES + 1}`.execute(db)
      : await sql<{ id: number }>`select rowid as id from service_requests_text where service_requests_text match ${`"${text.replace(/"/g, '""')}"`} limit ${WORD_MATCHES + 1}`.execute(db);
    return found.rows.length > WORD_MATCHES ? undefined : found.rows.map((r) => Number(r.id));
  }

  return {
    dashboard: (q) => dashboardCounts(db, q),
    async search(q) {
      const within = await wordMatches(q);
      if (within && !within.length) return [];
      const rows = (await queueSql(q, postgres(), 'rows', q.pageSize + (q.probe ? 1 : 0), (q.page - 1) * q.pageSize, within).execute(db)).rows;
      return rows.map(requestFromRow);
    },
    async count(q, cap) {
      const within = await wordMatches(q);
      if (within && !within.length) return 0;
      const inner = queueSql({ ...q, after: undefined }, postgres(), 'ids', cap + 1, 0, within);
      const row = (await sql<{ n: number }>`select count(*) as n from (${inner}) as matched`.execute(db)).rows[0];
      return Number(row?.n ?? 0);
    },
    async owners(requestIds) {
      const ids = requestIds.filter((id) => REFERENCE.test(id)).map(Number);
      if (!ids.length) return new Map();
      const rows = await db
        .selectFrom('deliveries')
        .select(['request_id', 'backend', 'external_ref', 'state', 'role'])
        .where('request_id', 'in', ids)
        .where('kind', '=', 'request')
        .where('role', 'in', ['primary', 'canary'])
        .orderBy('id')
        .execute();
      const out = new Map<string, CaseOwner>();
      for (const r of rows) out.set(String(r.request_id), { backend: r.backend, reference: r.external_ref ?? undefined, state: r.state as DeliveryState });
      return out;
    },
  };
}
