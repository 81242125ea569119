import { timingSafeEqual } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../core/store.ts';
import type { Config } from '../../config/schema.ts';
import { PipeworkError } from '../../core/errors.ts';

// GOV.UK Notify's delivery receipt (EmailCallbackRequest / SmsCallbackRequest): the fields used here.
const Receipt = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  reference: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  status: Type.String({ minLength: 1, maxLength: 50 }),
  completed_at: Type.Optional(Type.Union([Type.String({ maxLength: 50 }), Type.Null()])),
});

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * `POST /notifications/receipts/govuk-notify`: Notify's delivery receipts,
 * with the bearer token the council set in Notify (NOTIFY_CALLBACK_TOKEN).
 * Each is recorded against its message job (admin API: GET /admin/api/notifications).
 */
export async function notifyReceiptRoutes(app: FastifyInstance, { store, config }: { store: Store; config: Config }) {
  app.post<{ Body: Static<typeof Receipt> }>('/notifications/receipts/govuk-notify', { schema: { body: Receipt, hide: true } as object }, async (req, reply) => {
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!config.notifyCallbackToken || !same(token, config.notifyCallbackToken)) throw new PipeworkError('API_KEY_INVALID', 'The callback bearer token is missing or wrong');
    const at = req.body.completed_at && !Number.isNaN(Date.parse(req.body.completed_at)) ? new Date(req.body.completed_at) : new Date();
    const found = await store.notifications.recordReceipt({ sender: 'govuk-notify', externalRef: req.body.id, key: req.body.reference ?? undefined, status: req.body.status, at });
    if (!found) throw new PipeworkError('NOT_FOUND', `No message with GOV.UK Notify id "${req.body.id}"`);
    return reply.code(204).send();
  });
}
