import { Type, type Static } from '@sinclair/typebox';
import { adminActing, type AdminRoutes } from './plugin.ts';
import { PipeworkError } from '../core/errors.ts';
import type { Delivery, DeliveryAttempt, BackendEvent } from '../core/delivery/outbox.ts';
import { rerouteDeliveries } from '../core/delivery/reroute.ts';

const iso = (d?: Date) => (d ? d.toISOString() : null);

export const deliveryWire = (d: Delivery) => ({
  id: d.id,
  request_id: d.requestId,
  jurisdiction_id: d.jurisdictionId,
  service_code: d.serviceCode,
  backend: d.backend,
  role: d.role,
  kind: d.kind,
  update_id: d.updateId ?? null,
  state: d.state,
  attempts: d.attempts,
  due_at: iso(d.dueAt),
  external_ref: d.externalRef ?? null,
  last_error: d.lastError ?? null,
  created_at: iso(d.createdAt),
  delivered_at: iso(d.deliveredAt),
});

const attemptWire = (a: DeliveryAttempt) => ({
  id: a.id,
  worker: a.worker,
  started_at: iso(a.startedAt),
  finished_at: iso(a.finishedAt),
  outcome: a.outcome,
  error: a.error ?? null,
});

export const eventWire = (e: BackendEvent) => ({
  id: e.id,
  request_id: e.requestId,
  backend: e.backend,
  role: e.role,
  external_code: e.externalCode,
  status: e.status,
  known_status: e.known,
  description: e.description,
  at: iso(e.at),
  received_at: iso(e.receivedAt),
});

const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(['pending', 'in_flight', 'delivered', 'dead'].map((s) => Type.Literal(s)))),
    backend: Type.Optional(Type.String({ minLength: 1 })),
    request_id: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
    jurisdiction_id: Type.Optional(Type.String({ minLength: 1 })),
    service_code: Type.Optional(Type.String({ minLength: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }) });
const RetryBody = Type.Object({ all_failed: Type.Literal(true) }, { additionalProperties: false });
const RerouteBody = Type.Object(
  { from: Type.String({ minLength: 1 }), to: Type.String({ minLength: 1 }), jurisdiction_id: Type.Optional(Type.String({ minLength: 1 })) },
  { additionalProperties: false },
);
const EventsQuery = Type.Object(
  {
    unknown: Type.Optional(Type.Boolean()),
    backend: Type.Optional(Type.String({ minLength: 1 })),
    request_id: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

/**
 * Admin API, deliveries area: list the outbox, see every attempt of a job,
 * retry a dead job or all of them, and see back-end status reports (e.g. the
 * codes no status map knows).
 */
export const deliveriesAdmin: AdminRoutes = async (app, { store }) => {
  const tags = ['Admin: deliveries'];
  app.get('/deliveries', { schema: { tags, querystring: ListQuery } }, async (req) => {
    const q = req.query as Static<typeof ListQuery>;
    const list = await store.deliveries.list({
      state: q.state as Delivery['state'] | undefined,
      backend: q.backend,
      requestId: q.request_id,
      jurisdictionId: q.jurisdiction_id,
      serviceCode: q.service_code,
      limit: q.limit ?? 100,
    });
    return { deliveries: list.map(deliveryWire) };
  });

  app.get('/deliveries/:id', { schema: { tags, params: IdParams } }, async (req) => {
    const { id } = req.params as { id: string };
    const d = await store.deliveries.get(id);
    if (!d) throw new PipeworkError('DELIVERY_NOT_FOUND', `No delivery ${id}`);
    return { delivery: deliveryWire(d), attempts: (await store.deliveries.attempts(id)).map(attemptWire) };
  });

  app.post('/deliveries/:id/retry', { schema: { tags, params: IdParams } }, async (req) => {
    const { id } = req.params as { id: string };
    const d = await store.deliveries.get(id);
    if (!d) throw new PipeworkError('DELIVERY_NOT_FOUND', `No delivery ${id}`);
    if (d.state !== 'dead') throw new PipeworkError('INVALID_INPUT', `Delivery ${id} is ${d.state}; only a dead (failed) delivery can be retried`);
    await store.deliveries.retry(id);
    return { delivery: deliveryWire((await store.deliveries.get(id))!) };
  });

  app.post('/deliveries/retry', { schema: { tags, body: RetryBody } }, async () => ({ retried: await store.deliveries.retryAllDead() }));

  // Jobs stuck on a back-end that has gone away, sent to another one instead.
  app.post('/deliveries/reroute', { schema: { tags, body: RerouteBody } }, async (req) => {
    const b = req.body as Static<typeof RerouteBody>;
    return rerouteDeliveries(store, { from: b.from, to: b.to, jurisdictionId: b.jurisdiction_id, by: adminActing(req) });
  });

  app.get('/backend-events', { schema: { tags, querystring: EventsQuery } }, async (req) => {
    const q = req.query as Static<typeof EventsQuery>;
    const events = await store.deliveries.events({ backend: q.backend, unknownOnly: q.unknown, requestIds: q.request_id ? [q.request_id] : undefined, limit: q.limit ?? 100 });
    return { events: events.map(eventWire) };
  });
};
