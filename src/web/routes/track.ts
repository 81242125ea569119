import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Service } from '../../core/services/service.ts';
import type { Status } from '../../core/statuses.ts';
import type { RequestUpdate, ServiceRequest } from '../../core/requests/request.ts';
import { CLOSED_STATUSES, isStatus } from '../../core/statuses.ts';
import { processState } from '../../core/process/rules.ts';
import type { WebContext } from '../plugin.ts';
import { readDraft, reportPath, writeDraft } from '../draft.ts';
import { offered } from '../catalogue.ts';
import { localised } from '../welsh.ts';
import { tileGrid } from '../map.ts';

/**
 * What a resident may see of an update: its time, status and public text.
 * Never the author's contact details; never a change the service pattern
 * refused (`flag`: kept for staff, not applied); never a note marked internal
 * (no such marker exists yet: the check is here for when the staff console adds one).
 */
export function publicUpdates(updates: RequestUpdate[]) {
  return updates
    .filter((u) => !u.flag && !(u as { internal?: boolean }).internal)
    .map((u) => ({ at: u.updatedAt, status: u.status, description: u.description }));
}

/** `/track` (any report, by its reference) and `/reports/{reference}` (the public page of a report of a public service). */
export async function trackRoutes(app: FastifyInstance, { store, render, config, references, submitLimit }: WebContext) {
  // The council's own status names (from its service pattern) in English or, where it wrote them, Welsh; else the catalogue.
  // A status with neither (a back-end's unmapped code) has no label: it is never shown as a bare code.
  const labeller = (req: FastifyRequest, service: Service | undefined) => {
    const t = render.t(req);
    const own = render.lang(req) === 'en' ? service?.statusLabels : service?.welsh?.statusLabels;
    return (status: string): string | undefined => {
      const label = own?.[status as Status] ?? t(`status.${status}`);
      return isStatus(status) || label !== `status.${status}` ? label : undefined;
    };
  };

  // Lookups, not the empty form, count against the per-address limit, so references cannot be tried in bulk.
  const lookupLimit = (tried: (req: FastifyRequest) => boolean) => ({
    config: { rateLimit: { max: config.webTrackLimitPerMinute, timeWindow: 60_000, allowList: (req: FastifyRequest) => !tried(req) } },
  });

  async function showReport(req: FastifyRequest, reply: FastifyReply, request: ServiceRequest, options: { publicPage: boolean }) {
    const council = await render.council(req);
    const [services, history, state, reference] = await Promise.all([store.services.list(council.id), store.requests.history(council.id, request.id), processState(store, request), references.of(request.id)]);
    const service = services.find((s) => s.code === request.serviceCode);
    const label = labeller(req, service);
    const updates = publicUpdates(history);
    // An unknown code stands for "no news we can put in words": show the last status we can name.
    const lastKnown = [request.status, ...updates.map((u) => u.status).reverse()].find((s) => s !== 'unchanged' && label(s)) ?? 'open';
    const closed = state?.closed ?? CLOSED_STATUSES.has(lastKnown as Status);
    const shown = service && localised(service, render.lang(req));
    return render.page(req, reply, 'track-result.njk', {
      request: {
        reference,
        serviceName: shown?.name ?? request.serviceCode,
        serviceNameLang: shown?.english.has('name') ? 'en' : undefined,
        status: lastKnown,
        closed,
        address: request.location.address,
        requestedAt: request.requestedAt,
        updatedAt: request.updatedAt,
        // A date to be dealt with by means nothing once it has been dealt with.
        expectedAt: closed ? undefined : request.expectedAt,
      },
      publicPage: options.publicPage,
      // Where it is, on the same tiles as the location page (pictures only: nothing to click here).
      map: config.mapTilesUrl && request.location.lat !== undefined && request.location.long !== undefined ? tileGrid(request.location.lat, request.location.long, 18) : undefined,
      publicHref: !options.publicPage && service && publicReports(config, service) ? `/reports/${reference}` : undefined,
      updates: updates.map((u) => ({ ...u, status: label(u.status) ? u.status : 'unchanged' })).reverse(),
      statusLabel: label,
      // "I'm reporting this too" from the public page of an open report (decision 0160).
      joinAction: options.publicPage && !closed ? `/reports/${reference}/join` : undefined,
    }, { form: options.publicPage && !closed });
  }

  app.get<{ Querystring: { reference?: string } }>('/track', lookupLimit((req) => typeof (req.query as Record<string, unknown>)?.reference === 'string'), async (req, reply) => {
    const t = render.t(req);
    const raw = typeof req.query.reference === 'string' ? req.query.reference : undefined;
    if (raw === undefined) return render.page(req, reply, 'track.njk', { reference: '' });
    const fail = (key: string, status: number) =>
      render.page(req, reply, 'track.njk', { reference: raw, errors: [{ field: 'reference', href: '#reference', text: t(key) }] }, { status });
    const resolved = await references.resolve(raw);
    if (!resolved.ok) return fail(`error.track.${resolved.error}`, 400);
    const request = await store.requests.get((await render.council(req)).id, resolved.id);
    if (!request) return fail('error.track.notFound', 404);
    return showReport(req, reply, request, { publicPage: false });
  });

  // The public page: what anyone may see of a report of a service whose reports the council publishes.
  app.get<{ Params: { reference: string } }>('/reports/:reference', lookupLimit(() => true), async (req, reply) => {
    const resolved = await references.resolve(req.params.reference);
    // Only a reference (never a bare number) names a public page: numbers could be counted.
    const request = resolved.ok && !/^\d+$/.test(req.params.reference) ? await store.requests.get((await render.council(req)).id, resolved.id) : undefined;
    const service = request && (await store.services.get(request.jurisdictionId, request.serviceCode));
    if (!request || !service || !publicReports(config, service)) return reply.callNotFound();
    return showReport(req, reply, request, { publicPage: true });
  });

  // Joining from the public page: the report is remembered in that service's journey, whose own
  // contact page and "Check your details" follow; the join itself is sent from there, once.
  app.post<{ Params: { reference: string } }>('/reports/:reference/join', { preHandler: app.csrfProtection, config: submitLimit }, async (req, reply) => {
    const resolved = await references.resolve(req.params.reference);
    const request = resolved.ok && !/^\d+$/.test(req.params.reference) ? await store.requests.get((await render.council(req)).id, resolved.id) : undefined;
    const service = request && (await store.services.get(request.jurisdictionId, request.serviceCode));
    if (!request || !service || !publicReports(config, service)) return reply.callNotFound();
    const reference = await references.of(request.id);
    const closed = (await processState(store, request))?.closed ?? CLOSED_STATUSES.has(request.status as Status);
    if (closed) return reply.redirect(`/reports/${reference}`, 303);
    const draft = readDraft(req.session, service.code);
    draft.joining = { id: request.id, reference };
    writeDraft(req.session, service.code, draft);
    return reply.redirect(reportPath(service, 'contact'), 303);
  });
}

/** Whether the council publishes this service's reports (WEB_PUBLIC_REPORTS): their pages, and "Is it one of these?". */
export function publicReports(config: WebContext['config'], service: Service): boolean {
  if (!offered(service)) return false;
  const setting = config.webPublicReports;
  return setting === 'all' || (setting !== 'none' && setting.split(',').map((s) => s.trim()).includes(service.code));
}
