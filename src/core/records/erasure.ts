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
 * good never received it. The person's comments on other people's reports are
 * sent on the same way, one job per back-end and comment, naming the comment
 * alone. Every subscription that follows this council gets one
 * `records.erased` event (requests and comments), whatever its type filter.
 */
export async function planErasure(
  store: Store,
  e: { accessId: string; jurisdictionId: string; requestIds: string[]; comments?: { requestId: string; updateId: string }[]; at: Date },
): Promise<ErasurePlan> {
  const plan: ErasurePlan = { accessId: e.accessId, jurisdictionId: e.jurisdictionId, at: e.at, jobs: [], acks: [], events: [] };
  for (const requestId of e.requestIds) {
    for (const d of (await store.deliveries.forRequest(requestId)).filter((x) => x.kind === 'request' && x.jurisdictionId === e.jurisdictionId)) {
      if (d.backend === BUILTIN_BACKEND) plan.acks.push({ target: 'backend', name: d.backend, requestId, state: 'confirmed', detail: "erased in Pipework's own case store" });
      else if (d.state === 'dead') plan.acks.push({ target: 'backend', name: d.backend, requestId, state: 'recorded', detail: 'the request never reached this back-end (its delivery failed)' });
      else plan.jobs.push({ requestId, serviceCode: d.serviceCode, backend: d.backend, role: d.role, idempotencyKey: randomUUID() });
    }
  }
  // The person's comments on other people's reports went to those reports' back-ends as updates:
  // each back-end that was sent one is told to erase that comment alone.
  const comments = e.comments ?? [];
  for (const requestId of new Set(comments.map((c) => c.requestId))) {
    const ids = new Set(comments.filter((c) => c.requestId === requestId).map((c) => c.updateId));
    for (const d of (await store.deliveries.forRequest(requestId)).filter((x) => x.kind === 'update' && ids.has(x.updateId ?? '') && x.jurisdictionId === e.jurisdictionId)) {
      const updateId = d.updateId!;
      if (d.backend === BUILTIN_BACKEND) plan.acks.push({ target: 'backend', name: d.backend, requestId, updateId, state: 'confirmed', detail: 'comment blanked in Pipework' });
      else if (d.state === 'dead') plan.acks.push({ target: 'backend', name: d.backend, requestId, updateId, state: 'recorded', detail: 'the comment never reached this back-end (its delivery failed)' });
      else plan.jobs.push({ requestId, updateId, serviceCode: d.serviceCode, backend: d.backend, role: d.role, idempotencyKey: randomUUID() });
    }
  }
  for (const s of await store.subscriptions.list()) {
    if (!s.councils.length || s.councils.includes(e.jurisdictionId)) plan.acks.push({ target: 'subscriber', name: s.id, state: 'pending', detail: s.url });
  }
  plan.events.push(newEvent({ type: EVENT_TYPES.recordsErased, jurisdictionId: e.jurisdictionId, time: e.at, data: { erasure_id: e.accessId, request_ids: e.requestIds, update_ids: comments.map((c) => c.updateId) } }));
  return plan;
}
