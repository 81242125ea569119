import type { Service } from '../core/services/service.ts';
import type { QueueQuery } from '../core/cases/queue.ts';
import { isStatus, type Status } from '../core/statuses.ts';

/** The queue's filters as they arrive in the address (repeated keys for lists). */
export interface QueueParams {
  service?: string | string[];
  group?: string;
  status?: string | string[];
  overdue?: string;
  assigned?: string;
  q?: string;
  sort?: string;
  page?: string;
}

export const PAGE_SIZE = 50;
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(String).filter(Boolean);

/**
 * Reads the filters, dropping what is not a known service, status or option (a bookmark stays usable).
 * `services` are those the user may see: with `limited` (a role for some service groups) the query
 * never reaches past them, whatever the address asks for.
 */
export function parseQueue(p: QueueParams, services: Service[], jurisdictionId: string, userId: string, now: Date, limited = false) {
  const codes = new Set(services.map((s) => s.code));
  const groups = [...new Set(services.flatMap((s) => s.groups))].sort();
  const group = typeof p.group === 'string' && groups.includes(p.group) ? p.group : '';
  const inGroup = group ? services.filter((s) => s.groups.includes(group)).map((s) => s.code) : undefined;
  const chosen = [...new Set(list(p.service).filter((c) => codes.has(c)))];
  const serviceCodes = chosen;
  // No service chosen: the group's services, or (for a limited role) every service it covers; '' matches none.
  const narrowed = chosen.length ? chosen.filter((c) => !inGroup || inGroup.includes(c)) : inGroup ?? (limited ? [...codes] : []);
  const effective = narrowed.length ? narrowed : chosen.length || inGroup || limited ? [''] : [];
  const statuses = [...new Set(list(p.status).filter(isStatus))] as Status[];
  const assigned = p.assigned === 'me' || p.assigned === 'nobody' ? p.assigned : undefined;
  const overdue = p.overdue === '1';
  // Control characters (NUL above all) are no part of a search, and PostgreSQL refuses NUL in text.
  const text = typeof p.q === 'string' ? p.q.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 200) : '';
  const order = p.sort === 'oldest' ? 'oldest' : 'newest';
  const n = Number(p.page);
  const page = Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
  const query: QueueQuery = {
    jurisdictionId,
    serviceCodes: effective.length ? effective : undefined,
    statuses: statuses.length ? statuses : undefined,
    overdueAt: overdue ? now : undefined,
    assignedTo: assigned === 'me' ? userId : assigned === 'nobody' ? null : undefined,
    text: text || undefined,
    order,
    page,
    pageSize: PAGE_SIZE,
  };
  const state = { serviceCodes, group, statuses, assigned, overdue, text, order };
  return { query, state, groups };
}

/** The address of the queue with these filters (and a page or sort), for links that keep the rest. */
export function queueHref(state: ReturnType<typeof parseQueue>['state'], change: Partial<{ page: number; order: string; path: string }> = {}): string {
  const u = new URLSearchParams();
  for (const c of state.serviceCodes) u.append('service', c);
  if (state.group) u.set('group', state.group);
  for (const s of state.statuses) u.append('status', s);
  if (state.overdue) u.set('overdue', '1');
  if (state.assigned) u.set('assigned', state.assigned);
  if (state.text) u.set('q', state.text);
  const order = change.order ?? state.order;
  if (order !== 'newest') u.set('sort', order);
  if (change.page && change.page > 1) u.set('page', String(change.page));
  const qs = u.toString();
  return `${change.path ?? '/staff/'}${qs ? `?${qs}` : ''}`;
}
