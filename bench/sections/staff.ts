import os from 'node:os';
import { sql } from 'kysely';
import type { BenchRow } from '../types.ts';
import { openStore } from '../../src/store/index.ts';
import { loadConfig } from '../../src/config/load.ts';
import { buildApp } from '../../src/app.ts';
import { addStaff } from '../../src/core/staff/setup.ts';
import { hashPassword } from '../../src/core/staff/password.ts';
import { seedRequests } from '../seed.ts';
import { benchDatabase } from '../lib/database.ts';

const section = 'staff';
const DAY = 86_400_000;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (n: number) => Math.round(n * 10) / 10;


/**
 * The staff console with 1,000,000 requests stored (100,000 with --quick), on
 * SQLite and PostgreSQL: server time of the work queue (first page, counted),
 * a status filter, a rare word (no match: the worst case before 0019), a
 * common word, "overdue", and the case page, through app.inject with a
 * signed-in officer. Open requests get a target 20 days after they came in,
 * so most old open ones are overdue, as in a real backlog.
 */
export default async function ({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const dialect of ['sqlite', 'postgres'] as const) rows.push(...(await measure(dialect, quick ? 100_000 : 1_000_000, quick ? 30 : 100)));
  return rows;
}

async function measure(dialect: 'sqlite' | 'postgres', count: number, n: number): Promise<BenchRow[]> {
  const db = await benchDatabase(dialect);
  const seeded = await seedRequests(db.url, count);
  const store = await openStore(db.url);
  const app = await buildApp(loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', RELAY_ENABLED: 'false' }), { store });
  try {
    await sql`update service_requests set expected_at = requested_at + ${20 * DAY} where status in ('open', 'in_progress', 'action_scheduled', 'investigating', 'planned', 'for_triage', 'internal_referral', 'reopen')`.execute(store.db);
    await sql.raw('ANALYZE').execute(store.db);
    const { user } = await addStaff(store, { email: 'bench@example.gov.uk', name: 'Bench Officer', role: 'officer', jurisdictionId: 'example' }, new Date());
    await store.staff.users.setPassword(user.id, await hashPassword('correct horse battery staple'));
    const first = await app.inject({ url: '/staff/sign-in' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(first.body)?.[1] ?? '';
    const pre = String(first.headers['set-cookie'] ?? '').split(';')[0];
    const signed = await app.inject({ method: 'POST', url: '/staff/sign-in', headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ email: 'bench@example.gov.uk', password: 'correct horse battery staple', _csrf: csrf }).toString() });
    const cookie = String(signed.headers['set-cookie'] ?? '').split(';')[0];
    if (!cookie.startsWith('pipework_staff=')) throw new Error(`sign-in answered ${signed.statusCode}`);
    const caseId = String(Math.floor(count / 2));

    const time = async (url: string, times: number) => {
      for (let i = 0; i < 5; i++) await app.inject({ url, headers: { cookie } });
      const samples: number[] = [];
      for (let i = 0; i < times; i++) {
        const t = performance.now();
        const res = await app.inject({ url, headers: { cookie } });
        samples.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
      }
      return pct(samples, 0.5);
    };
    const note = `app.inject, ${dialect}, ${count.toLocaleString('en-GB')} requests (seeded in ${Math.round(seeded.seconds)} s), ${n} loads, load average ${os.loadavg()[0].toFixed(1)} when timing began`;
    const queue = await time('/staff/', n);
    const caseView = await time(`/staff/requests/${caseId}`, n);
    const open = await time('/staff/?status=open', n);
    const rare = await time('/staff/?q=zebra+crossing', n);
    const common = await time('/staff/?q=junction', n);
    const overdue = await time('/staff/?overdue=1', n);
    const overduePotholes = await time('/staff/?overdue=1&service=pothole', n);
    const row = (name: string, value: number, target?: number): BenchRow => ({ section, name: `${dialect}: ${name}, p50`, value: ms(value), unit: 'ms', ...(target ? { target: `< ${target} ms`, met: value < target } : {}), note });
    return [
      row('queue /staff/ (counted to 10,000)', queue, 50),
      row('case page /staff/requests/{id}', caseView, 30),
      row('queue ?status=open', open, 50),
      row('queue, a word no request holds', rare, 50),
      row('queue, a word every request holds', common, 50),
      row('queue ?overdue=1', overdue, 50),
      row('queue ?overdue=1&service=pothole', overduePotholes, 50),
    ];
  } finally {
    await app.close();
    await store.close();
    await db.drop();
  }
}
