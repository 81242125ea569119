import { Type, type Static } from '@sinclair/typebox';
import type { AdminRoutes } from '../admin/plugin.ts';
import type { Notification } from '../core/notifications/notification.ts';

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

/** `GET /admin/api/notifications?request_id=&state=`: residents' messages, newest first, with why one failed. */
export const notificationsAdmin: AdminRoutes = async (app, { store }) => {
  app.get<{ Querystring: Static<typeof Query> }>('/notifications', { schema: { querystring: Query } }, async (req) => {
    const list = await store.notifications.list({ requestId: req.query.request_id, state: req.query.state as Notification['state'] | undefined, limit: req.query.limit ?? 100 });
    return { notifications: list.map(notificationWire) };
  });
};
