import type { Store } from '../store.ts';
import type { Clock } from '../clock.ts';
import { requireAbility, type Actor } from './work.ts';
import { servicesInScope } from './scope.ts';

const DAY = 86_400_000;
/** The dashboard's window: a month of days, as supervisors plan in. */
export const DASHBOARD_DAYS = 30;

/** What the store counts for the dashboard; days are numbered from `from` (0 = the first day). */
export interface DashboardQuery {
  jurisdictionId: string;
  /** Only these services (a role limited to service groups); absent: all. */
  serviceCodes?: string[];
  now: Date;
  /** Start of the first day of the window; each day is 24 hours from it. */
  from: Date;
  /** Start of today: "received today" counts from here. */
  today: Date;
}

export interface DashboardCounts {
  perService: { serviceCode: string; open: number; overdue: number; receivedToday: number; closed: number; closeMsTotal: number }[];
  perDay: { day: number; received: number; closed: number }[];
}

export interface DashboardFigures {
  services: { code: string; name: string; open: number; overdue: number; receivedToday: number; closed: number; averageCloseDays?: number }[];
  days: { date: Date; received: number; closed: number }[];
  totals: { open: number; overdue: number; receivedToday: number };
}

/** Midnight in the council's time zone (Europe/London) at the start of the day holding `t`. */
export function londonMidnight(t: Date): Date {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', hourCycle: 'h23' }).formatToParts(t).map((p) => [p.type, p.value]));
  const utcMidnight = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
  // The offset at that midnight is the one before any change that day (changes happen at 1am).
  const offsetAt = (ms: number) => {
    const h = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hourCycle: 'h23' }).format(new Date(ms)));
    return ((h - new Date(ms).getUTCHours() + 24) % 24) * 3600_000;
  };
  return new Date(utcMidnight - offsetAt(utcMidnight));
}

/**
 * The supervisors' dashboard: open, overdue and received today per service;
 * received and closed per day over 30 days; and the average time to close
 * per service for requests closed in that window. Only the services the
 * actor's role covers.
 */
export async function dashboard(store: Store, clock: Clock, actor: Actor): Promise<DashboardFigures> {
  requireAbility(actor, 'dashboard.view');
  const services = await servicesInScope(store, actor);
  const now = clock.now();
  const today = londonMidnight(now);
  const from = new Date(today.getTime() - (DASHBOARD_DAYS - 1) * DAY);
  const counts = await store.staffQueue.dashboard({ jurisdictionId: actor.jurisdictionId, serviceCodes: actor.groups ? services.map((s) => s.code).concat('') : undefined, now, from, today });
  const byCode = new Map(counts.perService.map((c) => [c.serviceCode, c]));
  const names = new Map(services.map((s) => [s.code, s.name]));
  const rows = [...new Set([...services.map((s) => s.code), ...byCode.keys()])]
    .filter((code) => names.has(code) || !actor.groups)
    .map((code) => {
      const c = byCode.get(code);
      const closed = c?.closed ?? 0;
      return { code, name: names.get(code) ?? code, open: c?.open ?? 0, overdue: c?.overdue ?? 0, receivedToday: c?.receivedToday ?? 0, closed, ...(closed ? { averageCloseDays: Math.round((c!.closeMsTotal / closed / DAY) * 10) / 10 } : {}) };
    })
    .filter((r) => r.open || r.overdue || r.receivedToday || r.closed)
    .sort((a, b) => b.open - a.open || a.name.localeCompare(b.name));
  const perDay = new Map(counts.perDay.map((d) => [d.day, d]));
  const days = Array.from({ length: DASHBOARD_DAYS }, (_, i) => ({ date: new Date(from.getTime() + i * DAY), received: perDay.get(i)?.received ?? 0, closed: perDay.get(i)?.closed ?? 0 }));
  const sum = (k: 'open' | 'overdue' | 'receivedToday') => rows.reduce((n, r) => n + r[k], 0);
  return { services: rows, days, totals: { open: sum('open'), overdue: sum('overdue'), receivedToday: sum('receivedToday') } };
}
