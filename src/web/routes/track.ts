import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Service } from '../../core/services/service.ts';
import type { Status } from '../../core/statuses.ts';
import type { RequestUpdate } from '../../core/requests/request.ts';
import { CLOSED_STATUSES, isStatus } from '../../core/statuses.ts';
import { processState } from '../../core/process/rules.ts';
import type { WebContext } from '../plugin.ts';

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

const REFERENCE = /^\d{1,18}$/;

/** `/track`: a reference in, status, public history and expected date out. */
export async function trackRoutes(app: FastifyInstance, { store, render, config }: WebContext) {
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

  // Lookups, not the empty form, count against the per-address limit: references are short numbers that could be tried in bulk.
  const lookupLimit = {
    config: {
      rateLimit: {
        max: config.webTrackLimitPerMinute,
        timeWindow: 60_000,
        allowList: (req: FastifyRequest) => typeof (req.query as Record<string, unknown>)?.reference !== 'string',
      },
    },
  };

  app.get<{ Querystring: { reference?: string } }>('/track', lookupLimit, async (req, reply) => {
    const t = render.t(req);
    const raw = typeof req.query.reference === 'string' ? req.query.reference : undefined;
    if (raw === undefined) return render.page(req, reply, 'track.njk', { reference: '' });

    // People copy references with spaces, a leading # or "PW-"; only the digits matter.
    const reference = raw.trim().replace(/^(#|pw-?|ref(erence)?:?)\s*/i, '').replace(/\s+/g, '');
    const fail = (key: string, status: number) =>
      render.page(req, reply, 'track.njk', { reference: raw, errors: [{ field: 'reference', href: '#reference', text: t(key) }] }, { status });
    if (!reference) return fail('error.track.empty', 400);
    if (!REFERENCE.test(reference)) return fail('error.track.format', 400);

    const council = await render.council(req);
    const request = await store.requests.get(council.id, reference);
    if (!request) return fail('error.track.notFound', 404);
    const [services, history, state] = await Promise.all([store.services.list(council.id), store.requests.history(council.id, request.id), processState(store, request)]);
    const service = services.find((s) => s.code === request.serviceCode);
    const label = labeller(req, service);
    const updates = publicUpdates(history);
    // An unknown code stands for "no news we can put in words": show the last status we can name.
    const lastKnown = [request.status, ...updates.map((u) => u.status).reverse()].find((s) => s !== 'unchanged' && label(s)) ?? 'open';
    const closed = state?.closed ?? CLOSED_STATUSES.has(lastKnown as Status);
    return render.page(req, reply, 'track-result.njk', {
      request: {
        id: request.id,
        serviceName: service?.name ?? request.serviceCode,
        status: lastKnown,
        closed,
        address: request.location.address,
        requestedAt: request.requestedAt,
        updatedAt: request.updatedAt,
        // A date to be dealt with by means nothing once it has been dealt with.
        expectedAt: closed ? undefined : request.expectedAt,
      },
      updates: updates.map((u) => ({ ...u, status: label(u.status) ? u.status : 'unchanged' })).reverse(),
      statusLabel: label,
    });
  });
}
