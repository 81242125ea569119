import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Service } from '../../core/services/service.ts';
import type { Status } from '../../core/statuses.ts';
import type { RequestUpdate } from '../../core/requests/request.ts';
import { CLOSED_STATUSES } from '../../core/statuses.ts';
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
  // The council's own status names (from its service pattern) are English; Welsh uses the catalogue.
  const labeller = (req: FastifyRequest, service: Service | undefined) => {
    const t = render.t(req);
    const own = render.lang(req) === 'en' ? service?.statusLabels : undefined;
    return (status: string) => own?.[status as Status] ?? t(`status.${status}`);
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

    const council = await render.council();
    const request = await store.requests.get(council.id, reference);
    if (!request) return fail('error.track.notFound', 404);
    const [services, history] = await Promise.all([store.services.list(council.id), store.requests.history(council.id, request.id)]);
    const service = services.find((s) => s.code === request.serviceCode);
    return render.page(req, reply, 'track-result.njk', {
      request: {
        id: request.id,
        serviceName: service?.name ?? request.serviceCode,
        status: request.status,
        closed: CLOSED_STATUSES.has(request.status),
        address: request.location.address,
        requestedAt: request.requestedAt,
        updatedAt: request.updatedAt,
        expectedAt: request.expectedAt,
      },
      updates: publicUpdates(history).reverse(),
      statusLabel: labeller(req, service),
    });
  });
}
