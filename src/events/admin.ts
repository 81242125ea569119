import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { AdminRoutes } from '../admin/plugin.ts';
import type { Store } from '../core/store.ts';
import type { Subscription } from '../core/events/subscription.ts';
import { EVENT_TYPES, isEventType } from '../core/events/event.ts';
import { PipeworkError, invalid } from '../core/errors.ts';
import { newSigningSecret } from '../standards/cloudevents/webhook.ts';

const iso = (d?: Date) => (d ? d.toISOString() : null);

/** A subscription as the admin API shows it; the signing secret only when it is created. */
export const subscriptionWire = (s: Subscription, withSecret = false) => ({
  id: s.id,
  url: s.url,
  types: s.types,
  councils: s.councils,
  state: s.state,
  cursor: s.cursor,
  failures: s.attempts,
  next_attempt_at: s.state === 'paused' ? null : iso(s.nextAt),
  failing_since: iso(s.failingSince),
  last_error: s.lastError ?? null,
  delivered_at: iso(s.deliveredAt),
  created_at: iso(s.createdAt),
  ...(withSecret ? { secret: s.secret } : {}),
});

export interface NewSubscriptionInput {
  url: string;
  types?: string[];
  councils?: string[];
  /** The first event to send: a sequence number, or (default) only events from now on. */
  from?: number;
}

/** Checks and creates a subscription: used by the admin API and `npx pipework events subscribe`. */
export async function createSubscription(store: Store, input: NewSubscriptionInput, now = new Date()): Promise<Subscription> {
  const problems: { field: string; message: string }[] = [];
  let url: URL | undefined;
  try {
    url = new URL(input.url);
  } catch {}
  if (!url || !['http:', 'https:'].includes(url.protocol)) problems.push({ field: 'url', message: 'url must be an http(s) URL' });
  for (const t of input.types ?? []) if (!isEventType(t)) problems.push({ field: 'types', message: `unknown event type "${t}" (known: ${Object.values(EVENT_TYPES).join(', ')})` });
  const known = new Set((await store.jurisdictions.list()).map((j) => j.id));
  for (const c of input.councils ?? []) if (!known.has(c)) problems.push({ field: 'councils', message: `unknown council "${c}"` });
  if (problems.length) throw invalid(problems);
  const cursor = input.from === undefined ? await store.events.lastSeq() : Math.max(0, input.from - 1);
  return store.subscriptions.create({ id: randomUUID(), url: url!.toString(), types: input.types ?? [], councils: input.councils ?? [], secret: newSigningSecret(), cursor, at: now });
}

const Create = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    types: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 })),
    councils: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 500 })),
    from: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
const Replay = Type.Object({ from: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/**
 * Push subscriptions to the event log at /admin/api/subscriptions: create
 * (the signing secret is shown once), list, read, delete, and replay from a
 * sequence number (which also resumes a paused one).
 */
export const subscriptionsAdmin: AdminRoutes = async (app, { store }) => {
  const found = async (id: string) => {
    const s = await store.subscriptions.get(id);
    if (!s) throw new PipeworkError('NOT_FOUND', `No subscription "${id}"`);
    return s;
  };
  app.post<{ Body: Static<typeof Create> }>('/subscriptions', { schema: { body: Create } }, async (req, reply) => {
    return reply.code(201).send(subscriptionWire(await createSubscription(store, req.body), true));
  });
  app.get('/subscriptions', async () => ({ subscriptions: (await store.subscriptions.list()).map((s) => subscriptionWire(s)) }));
  app.get<{ Params: Static<typeof IdParams> }>('/subscriptions/:id', { schema: { params: IdParams } }, async (req) => subscriptionWire(await found(req.params.id)));
  app.delete<{ Params: Static<typeof IdParams> }>('/subscriptions/:id', { schema: { params: IdParams } }, async (req, reply) => {
    await found(req.params.id);
    await store.subscriptions.delete(req.params.id);
    return reply.code(204).send();
  });
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof Replay> }>('/subscriptions/:id/replay', { schema: { params: IdParams, body: Replay } }, async (req) => {
    const s = await found(req.params.id);
    const now = new Date();
    // A subscriber that never consented asks again; a paused or active one resumes from `from`.
    const state = s.state === 'validating' ? 'validating' : 'active';
    return subscriptionWire((await store.subscriptions.update(s.id, { state, cursor: req.body.from - 1, attempts: 0, failingSince: null, lastError: null, nextAt: now }, now))!);
  });
};
