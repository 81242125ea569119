import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { DashboardCounts, DashboardQuery } from '../core/cases/dashboard.ts';
import { CLOSED_STATUSES, STATUSES } from '../core/statuses.ts';

const DAY = 86_400_000;
const OPEN = STATUSES.filter((s) => !CLOSED_STATUSES.has(s));
const CLOSED = [...CLOSED_STATUSES];

/**
 * The dashboard's counts, each one grouped query along an existing index:
 * open by (council, service, status); overdue along the open-with-target
 * partial index (0019); received by time; closures from the updates by time.
 * A closure is a public, unflagged update to a closing status in the window,
 * so a request closed, reopened and closed again counts twice (it was closed twice).
 */
export async function dashboardCounts(db: Kysely<Database>, q: DashboardQuery): Promise<DashboardCounts> {
  const from = q.from.getTime();
  const j = q.jurisdictionId;
  const only = (col: string) => (q.serviceCodes ? sql`and ${sql.ref(col)} in (${sql.join(q.serviceCodes)})` : sql``);
  const day = (col: string) => sql`cast((${sql.ref(col)} - ${from}) / ${DAY} as integer)`;
  const [open, overdue, today, received, closed] = await Promise.all([
    sql<{ code: string; n: number }>`select service_code as code, count(*) as n from service_requests where jurisdiction_id = ${j} and status in (${sql.join(OPEN)}) ${only('service_code')} group by service_code`.execute(db),
    sql<{ code: string; n: number }>`select service_code as code, count(*) as n from service_requests where jurisdiction_id = ${j} and expected_at is not null and status not in (${sql.join(CLOSED)}) and expected_at < ${q.now.getTime()} ${only('service_code')} group by service_code`.execute(db),
    sql<{ code: string; n: number }>`select service_code as code, count(*) as n from service_requests where jurisdiction_id = ${j} and requested_at >= ${q.today.getTime()} ${only('service_code')} group by service_code`.execute(db),
    sql<{ d: number; n: number }>`select ${day('requested_at')} as d, count(*) as n from service_requests where jurisdiction_id = ${j} and requested_at >= ${from} ${only('service_code')} group by 1`.execute(db),
    sql<{ d: number; code: string; n: number; ms: number }>`select ${day('u.updated_at')} as d, r.service_code as code, count(*) as n, sum(u.updated_at - r.requested_at) as ms
      from request_updates u join service_requests r on r.id = u.request_id
      where u.jurisdiction_id = ${j} and u.updated_at >= ${from} and u.status in (${sql.join(CLOSED)}) and u.flag is null and u.internal is null ${only('r.service_code')}
      group by 1, 2`.execute(db),
  ]);
  const per = new Map<string, DashboardCounts['perService'][number]>();
  const row = (code: string) => per.get(code) ?? per.set(code, { serviceCode: code, open: 0, overdue: 0, receivedToday: 0, closed: 0, closeMsTotal: 0 }).get(code)!;
  for (const r of open.rows) row(r.code).open = Number(r.n);
  for (const r of overdue.rows) row(r.code).overdue = Number(r.n);
  for (const r of today.rows) row(r.code).receivedToday = Number(r.n);
  const days = new Map<number, { day: number; received: number; closed: number }>();
  const dayRow = (d: number) => days.get(d) ?? days.set(d, { day: d, received: 0, closed: 0 }).get(d)!;
  for (const r of received.rows) dayRow(Number(r.d)).received += Number(r.n);
  for (const r of closed.rows) {
    dayRow(Number(r.d)).closed += Number(r.n);
    row(r.code).closed += Number(r.n);
    row(r.code).closeMsTotal += Number(r.ms);
  }
  return { perService: [...per.values()], perDay: [...days.values()].sort((a, b) => a.day - b.day) };
}
