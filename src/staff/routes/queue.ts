import type { FastifyInstance } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import type { ServiceRequest } from '../../core/requests/request.ts';
import type { Service } from '../../core/services/service.ts';
import { CLOSED_STATUSES, STATUSES } from '../../core/statuses.ts';
import { isEditable } from '../../core/cases/owner.ts';
import { actorOf } from '../identity.ts';
import { csvLine, sendCsv } from '../csv.ts';
import { page } from '../render.ts';
import { residentsReporting } from '../../core/requests/join.ts';
import { withReferenceDecoded } from '../../core/references/lookup.ts';
import { parseQueue, queueHref, PAGE_SIZE, type QueueParams } from '../queue-filters.ts';
import { statusLabeller } from '../labels.ts';
import { bulkChange, BULK_MAX } from '../../core/cases/bulk.ts';
import { assignToFrom, teamsOf } from '../../core/cases/work.ts';
import type { Assignee } from '../../core/staff/staff.ts';
import { can } from '../../core/staff/roles.ts';
import { PipeworkError } from '../../core/errors.ts';
import { servicesInScope } from '../../core/cases/scope.ts';
import type { PageError } from '../render.ts';

/** The queue's "assigned to" cell: the officer, with their team, or the team alone. */
const nameOf = (a: Assignee | undefined, names: Map<string, string>) =>
  !a ? undefined : !a.userId ? `Team ${a.team}` : `${names.get(a.userId) ?? 'someone'}${a.team ? ` (${a.team})` : ''}`;

/** Counting stops here: "more than 10,000" is as useful as an exact figure, and costs far less. */
const COUNT_CAP = 10_000;

/** The work queue at /staff/ and its CSV export. */
export async function queueRoutes(app: FastifyInstance, { store, clock }: StaffContext) {
  async function rowsFor(requests: ServiceRequest[], services: Service[], jurisdictionId: string) {
    const ids = requests.map((r) => r.id);
    const [owners, assigned, staff, joined] = await Promise.all([store.staffQueue.owners(ids), store.staff.assignments.forRequests(jurisdictionId, ids), store.staff.users.list(jurisdictionId), store.joiners.counts(ids)]);
    const names = new Map(staff.map((u) => [u.id, u.name]));
    const byCode = new Map(services.map((s) => [s.code, s]));
    const now = clock.now();
    return requests.map((r) => {
      const owner = owners.get(r.id);
      const service = byCode.get(r.serviceCode);
      return {
        request: r,
        serviceName: service?.name ?? r.serviceCode,
        statusLabel: statusLabeller(service)(r.status),
        owner,
        editable: isEditable(owner),
        assignee: nameOf(assigned.get(r.id), names),
        overdue: !CLOSED_STATUSES.has(r.status) && !!r.expectedAt && r.expectedAt < now,
        residents: residentsReporting(joined.get(r.id) ?? 0),
      };
    });
  }

  app.get<{ Querystring: QueueParams }>('/', { config: { ability: 'queue.view' } }, async (req, reply) => {
    const actor = actorOf(req);
    const services = await servicesInScope(store, actor);
    const parsed = parseQueue(req.query, services, actor.jurisdictionId, actor.userId, clock.now(), !!actor.groups, actor.team);
    const { state, groups } = parsed;
    // A resident reference (HX4K-9TQM) finds its request as its number does.
    const query = await withReferenceDecoded(store, parsed.query);
    // Words and "overdue" are checked row by row along the ranges: counting their matches could read the
    // whole table, so those views page by "next" alone (one row read past the page says whether there is one).
    const scanning = (!!query.text && !/^\d+$/.test(query.text)) || !!query.overdueAt;
    const [found, counted] = await Promise.all([store.staffQueue.search({ ...query, probe: true }), scanning ? undefined : store.staffQueue.count({ ...query, page: 1 }, COUNT_CAP)]);
    const requests = found.slice(0, PAGE_SIZE);
    const more = found.length > PAGE_SIZE;
    const total = counted ?? (query.page - 1) * PAGE_SIZE + requests.length + (more ? 1 : 0);
    const pages = counted === undefined ? query.page + (more ? 1 : 0) : Math.max(1, Math.ceil(Math.min(counted, COUNT_CAP) / PAGE_SIZE));
    const near = counted === undefined ? [] : [...new Set([1, query.page - 2, query.page - 1, query.page, query.page + 1, query.page + 2, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
    const bulkError = req.staffSession.get<PageError>('bulkError');
    if (bulkError) req.staffSession.delete('bulkError');
    const councilStaff = can(actor.role, 'case.bulk') ? await store.staff.users.list(actor.jurisdictionId) : [];
    const officers = councilStaff.filter((u) => !u.disabledAt && can(u.roles.find((r) => r.jurisdictionId === actor.jurisdictionId)?.role, 'case.status'));
    const teams = teamsOf(councilStaff, actor.jurisdictionId);
    const views = await store.staff.views.list(actor.userId, actor.jurisdictionId);
    const here = queueHref(state);
    const viewError = req.staffSession.get<PageError & { value?: string }>('viewError');
    if (viewError) req.staffSession.delete('viewError');
    return page(req, reply, 'queue.njk', {
      title: 'Work queue',
      views: views.map((v) => ({ ...v, href: `/staff/${v.query ? `?${v.query}` : ''}`, current: `/staff/${v.query ? `?${v.query}` : ''}` === here })),
      viewQuery: here.replace(/^\/staff\/\??/, ''),
      viewError,
      groups: groups.map((g) => ({ value: g, text: g, selected: g === state.group })),
      limitedTo: actor.groups,
      errors: [...(bulkError ? [bulkError] : []), ...(viewError ? [viewError] : [])],
      bulk: can(actor.role, 'case.bulk'),
      bulkMax: BULK_MAX,
      officers,
      teams,
      allStatuses: STATUSES.map((s) => ({ value: s, text: s.replace(/_/g, ' ') })),
      here: req.url,
      rows: await rowsFor(requests, services, actor.jurisdictionId),
      services: services.map((s) => ({ value: s.code, text: s.name, checked: state.serviceCodes.includes(s.code) })),
      statuses: STATUSES.map((s) => ({ value: s, text: s.replace(/_/g, ' '), checked: state.statuses.includes(s) })),
      state,
      total,
      counted: counted !== undefined,
      more,
      capped: (counted ?? 0) > COUNT_CAP,
      from: total ? (query.page - 1) * PAGE_SIZE + 1 : 0,
      to: (query.page - 1) * PAGE_SIZE + requests.length,
      pageNumber: query.page,
      pages: near.map((n, i) => ({ number: n, href: queueHref(state, { page: n }), current: n === query.page, gap: i > 0 && n > near[i - 1] + 1 })),
      previous: query.page > 1 ? queueHref(state, { page: query.page - 1 }) : undefined,
      next: query.page < pages ? queueHref(state, { page: query.page + 1 }) : undefined,
      sortHref: queueHref(state, { order: state.order === 'newest' ? 'oldest' : 'newest' }),
      exportHref: queueHref(state, { path: '/staff/export.csv' }),
      clearHref: '/staff/',
      filtered: !!(state.serviceCodes.length || state.group || state.statuses.length || state.overdue || state.assigned || state.text),
    });
  });

  // Bulk assign or status change, for supervisors, with a reason kept beside every case in the audit log.
  app.post<{ Body: Record<string, string | string[] | undefined> }>('/bulk', { config: { ability: 'case.bulk' } }, async (req, reply) => {
    const actor = actorOf(req);
    const b = req.body ?? {};
    const one = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
    const back = /^\/staff\/(\?[^\\]*)?$/.test(one('back')) ? one('back') : '/staff/';
    const ids = (Array.isArray(b.ids) ? b.ids : b.ids ? [b.ids] : []).map(String);
    const action = one('action');
    try {
      if (action !== 'status' && action !== 'assign') throw new PipeworkError('INVALID_INPUT', 'Choose what to do', [{ field: 'action', message: 'Choose what to do with the selected requests' }]);
      const change = action === 'status' ? { kind: 'status' as const, status: one('status') } : { kind: 'assign' as const, to: assignToFrom(one('assignee')) };
      const r = await bulkChange(store, clock, actor, ids, change, one('reason'));
      const refused = r.refused.slice(0, 5).map((x) => `${x.id}: ${x.message}`).join('; ');
      req.staffSession.set('flash', `${r.done.length} request${r.done.length === 1 ? '' : 's'} changed.${r.refused.length ? ` ${r.refused.length} left as they were (${refused}${r.refused.length > 5 ? '; …' : ''}).` : ''}`);
    } catch (err) {
      if (!(err instanceof PipeworkError) || err.code !== 'INVALID_INPUT') throw err;
      const f = err.problems[0]?.field ?? 'action';
      req.staffSession.set('bulkError', { field: f, href: `#bulk-${f}`, text: err.problems[0]?.message ?? err.message });
    }
    return reply.redirect(back, 303);
  });

  app.get<{ Querystring: QueueParams }>('/export.csv', { config: { ability: 'queue.view' } }, async (req, reply) => {
    const actor = actorOf(req);
    const services = await servicesInScope(store, actor);
    const parsed = parseQueue(req.query, services, actor.jurisdictionId, actor.userId, clock.now(), !!actor.groups, actor.team);
    const { state } = parsed;
    const query = await withReferenceDecoded(store, parsed.query);
    await store.staff.audit.append({ actor: actor.email, userId: actor.userId, jurisdictionId: actor.jurisdictionId, action: 'queue.export', after: queueHref(state), at: clock.now() });
    // Pages of 500 read by keyset (the last row's time and id), so memory and per-batch cost stay flat however many match.
    async function* csv() {
      yield '\uFEFF' + csvLine(['reference', 'received', 'service', 'status', 'address', 'description', 'back-end', 'back-end reference', 'assigned to', 'expected', 'overdue']);
      let after: typeof query.after;
      for (;;) {
        const batch = await store.staffQueue.search({ ...query, page: 1, pageSize: 500, after });
        if (!batch.length) return;
        for (const row of await rowsFor(batch, services, actor.jurisdictionId)) {
          const r = row.request;
          yield csvLine([r.id, r.requestedAt.toISOString(), row.serviceName, row.statusLabel, r.location.address ?? '', r.description ?? '', row.owner?.backend ?? 'builtin', row.owner?.reference ?? '', row.assignee ?? '', r.expectedAt?.toISOString() ?? '', row.overdue ? 'yes' : 'no']);
        }
        const last = batch[batch.length - 1];
        after = { requestedAt: last.requestedAt, id: last.id };
        if (batch.length < 500) return;
      }
    }
    const name = `requests-${actor.jurisdictionId}-${clock.now().toISOString().slice(0, 10)}.csv`;
    return sendCsv(reply, name, csv());
  });
}
