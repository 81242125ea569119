import { Type, type Static } from '@sinclair/typebox';
import type { AdminRoutes } from '../admin/plugin.ts';
import type { Notification } from '../core/notifications/notification.ts';
import { adminActor } from '../admin/plugin.ts';
import { PipeworkError } from '../core/errors.ts';
import { setMessageTemplate } from '../core/notifications/manage-templates.ts';
import { TEMPLATE_FIELDS, type MessageTemplate } from '../core/notifications/templates.ts';

const iso = (d?: Date) => (d ? d.toISOString() : null);

/** A message job as operators see it: no address, no text (those stay with the request's contact). */
export const notificationWire = (n: Notification) => ({
  id: n.id,
  request_id: n.requestId,
  update_id: n.updateId ?? null,
  kind: n.kind,
  channel: n.channel,
  state: n.state,
  attempts: n.attempts,
  sender: n.sender ?? null,
  reference: n.idempotencyKey,
  external_ref: n.externalRef ?? null,
  last_error: n.lastError ?? null,
  receipt: n.receipt ?? null,
  receipt_at: iso(n.receiptAt),
  created_at: iso(n.createdAt),
  sent_at: iso(n.sentAt),
});

const Query = Type.Object(
  {
    request_id: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
    state: Type.Optional(Type.Union(['pending', 'in_flight', 'sent', 'failed', 'skipped'].map((s) => Type.Literal(s)))),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

const templateWire = (t: MessageTemplate) => ({ service_code: t.serviceCode || null, kind: t.kind, channel: t.channel, language: t.language, subject: t.subject ?? null, body: t.body, by: t.by, updated_at: iso(t.updatedAt) });
const TemplateBody = Type.Object(
  {
    service_code: Type.Optional(Type.String({ maxLength: 100 })),
    kind: Type.String({ maxLength: 20 }),
    channel: Type.String({ maxLength: 10 }),
    language: Type.String({ maxLength: 5 }),
    subject: Type.Optional(Type.String({ maxLength: 300 })),
    body: Type.String({ maxLength: 10_000 }),
  },
  { additionalProperties: false },
);
const Council = Type.Object({ jurisdiction: Type.String({ minLength: 1 }) });
const TemplateKey = Type.Object({ jurisdiction: Type.String({ minLength: 1 }), kind: Type.String(), channel: Type.String(), language: Type.String() });

/**
 * `GET /admin/api/notifications?request_id=&state=`: residents' messages, newest first, with why one failed;
 * `…/notifications/templates/{council}`: a council's own words (GET, PUT one, DELETE one).
 */
export const notificationsAdmin: AdminRoutes = async (app, { store, clock }) => {
  const council = async (id: string) => {
    if (!(await store.jurisdictions.list()).some((j) => j.id === id)) throw new PipeworkError('JURISDICTION_NOT_FOUND', `No council "${id}"`);
    return id;
  };
  app.get<{ Params: Static<typeof Council> }>('/notifications/templates/:jurisdiction', { schema: { params: Council } }, async (req) => ({
    fields: TEMPLATE_FIELDS,
    templates: (await store.messageTemplates.list(await council(req.params.jurisdiction))).map(templateWire),
  }));
  app.put<{ Params: Static<typeof Council>; Body: Static<typeof TemplateBody> }>('/notifications/templates/:jurisdiction', { schema: { params: Council, body: TemplateBody } }, async (req) => {
    const b = req.body;
    const t = await setMessageTemplate(store, await council(req.params.jurisdiction), { serviceCode: b.service_code, kind: b.kind, channel: b.channel, language: b.language, subject: b.subject, body: b.body }, adminActor(req), clock);
    return templateWire(t);
  });
  app.delete<{ Params: Static<typeof TemplateKey>; Querystring: { service_code?: string } }>(
    '/notifications/templates/:jurisdiction/:kind/:channel/:language',
    { schema: { params: TemplateKey, querystring: Type.Object({ service_code: Type.Optional(Type.String()) }, { additionalProperties: false }) } },
    async (req, reply) => {
      const p = req.params;
      const gone = await store.messageTemplates.remove({ jurisdictionId: await council(p.jurisdiction), serviceCode: req.query.service_code ?? '', kind: p.kind as never, channel: p.channel as never, language: p.language as never });
      if (!gone) throw new PipeworkError('NOT_FOUND', 'No such template');
      return reply.code(204).send();
    },
  );
  app.get<{ Querystring: Static<typeof Query> }>('/notifications', { schema: { querystring: Query } }, async (req) => {
    const list = await store.notifications.list({ requestId: req.query.request_id, state: req.query.state as Notification['state'] | undefined, limit: req.query.limit ?? 100 });
    return { notifications: list.map(notificationWire) };
  });
};
