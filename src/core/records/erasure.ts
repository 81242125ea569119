import { randomUUID } from 'node:crypto';
import type { Store } from '../store.ts';
import type { ErasurePlan } from './port.ts';
import { BUILTIN_BACKEND } from '../routing/decide.ts';
import { EVENT_TYPES, newEvent } from '../events/event.ts';

/**
 * What an erasure sends on (UK GDPR Art. 17(2), 19: tell each recipient).
 * Every back-end that was sent one of the requests gets an `erasure` job in
 * the outbox, delivered by the relay after the request itself; the built-in
 * case store is Pipework, erased already; a back-end whose delivery failed for
 * good never received it. Every subscription that follows this council gets
 * one `records.erased` event, whatever its type filter.
 */
export async function planErasure(store: Store, e: { accessId: string; jurisdictionId: string; requestIds: string[]; at: Date }): Promise<ErasurePlan> {
  const plan: ErasurePlan = { accessId: e.accessId, jurisdictionId: e.jurisdictionId, at: e.at, jobs: [], acks: [], events: [] };
  for (const requestId of e.requestIds) {
    for (const d of (await store.deliveries.forRequest(requestId)).filter((x) => x.kind === 'request' && x.jurisdictionId === e.jurisdictionId)) {
      if (d.backend === BUILTIN_BACKEND) plan.acks.push({ target: 'backend', name: d.backend, requestId, state: 'confirmed', detail: "erased in Pipework's own case store" });
      else if (d.state === 'dead') plan.acks.push({ target: 'backend', name: d.backend, requestId, state: 'recorded', detail: 'the request never reached this back-end (its delivery failed)' });
      else plan.jobs.push({ requestId, serviceCode: d.serviceCode, backend: d.backend, role: d.role, idempotencyKey: randomUUID() });
    }
  }
  for (const s of await store.subscriptions.list()) {
    if (!s.councils.length || s.councils.includes(e.jurisdictionId)) plan.acks.push({ target: 'subscriber', name: s.id, state: 'pending', detail: s.url });
  }
  plan.events.push(newEvent({ type: EVENT_TYPES.recordsErased, jurisdictionId: e.jurisdictionId, time: e.at, data: { erasure_id: e.accessId, request_ids: e.requestIds } }));
  return plan;
}
