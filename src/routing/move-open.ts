import { randomUUID } from 'node:crypto';
import type { Store } from '../core/store.ts';
import { PipeworkError } from '../core/errors.ts';
import { BUILTIN_BACKEND } from '../core/routing/decide.ts';
import type { MoveCandidate, OpenMove, OpenMoveItem } from '../core/delivery/moves.ts';
import type { Backend, RequestJob } from '../backends/port.ts';
import type { BackendRegistry } from '../backends/registry.ts';
import type { RouteKey } from './manage.ts';


export interface MovePlan {
  toBackend: string;
  /** A move that was started and did not finish: running again resumes it. */
  resumes?: OpenMove;
  /** The cases that would move (for a resumed move: those not moved yet). */
  cases: { requestId: string; fromBackend: string; ready: boolean; why?: string }[];
  byBackend: Record<string, number>;
}

export interface MoveReport {
  move: OpenMove;
  moved: number;
  failed: { requestId: string; fromBackend: string; error: string }[];
  items: OpenMoveItem[];
}

async function target(store: Store, key: RouteKey): Promise<string> {
  const route = await store.routing.get(key.jurisdictionId, key.serviceCode);
  if (!(await store.services.get(key.jurisdictionId, key.serviceCode))) throw new PipeworkError('SERVICE_NOT_FOUND', `service_code "${key.serviceCode}" was not found in ${key.jurisdictionId}`);
  return route?.primary ?? BUILTIN_BACKEND;
}

const readiness = (c: Pick<MoveCandidate, 'fromBackend' | 'fromState'>) =>
  c.fromState === 'delivered' ? { ready: true } : { ready: false, why: `its delivery to ${c.fromBackend} is ${c.fromState}: ${c.fromBackend} does not hold it yet (retry that delivery first)` };

/**
 * What `routes move-open SERVICE --dry-run` shows: the open requests of the
 * service that another back-end than the route's primary owns, and which of
 * them can move now. Writes nothing.
 */
export async function planMoveOpen(store: Store, key: RouteKey): Promise<MovePlan> {
  const toBackend = await target(store, key);
  const resumes = await store.deliveries.unfinishedMove(key.jurisdictionId, key.serviceCode);
  let cases: MovePlan['cases'];
  if (resumes) {
    const left = (await store.deliveries.moveItems(resumes.id)).filter((i) => i.state !== 'moved');
    cases = [];
    for (const i of left) cases.push({ requestId: i.requestId, fromBackend: i.fromBackend, ...readiness({ fromBackend: i.fromBackend, fromState: (await store.deliveries.get(i.fromDeliveryId))?.state ?? 'gone' }) });
  } else {
    cases = (await store.deliveries.moveCandidates(key.jurisdictionId, key.serviceCode, toBackend)).map((c) => ({ requestId: c.requestId, fromBackend: c.fromBackend, ...readiness(c) }));
  }
  const byBackend: Record<string, number> = {};
  for (const c of cases) byBackend[c.fromBackend] = (byBackend[c.fromBackend] ?? 0) + 1;
  return { toBackend: resumes?.toBackend ?? toBackend, ...(resumes ? { resumes } : {}), cases, byBackend };
}

/**
 * Moves the service's open cases to the route's primary, one at a time:
 * re-delivers the request and its public history to the new back-end (one
 * idempotency key per case and move, the same on every try), then records
 * in one transaction that the new back-end owns it and the old one no longer
 * does (`former`), and tells the old one where its adapter can. The state is
 * in the database: run it again after a crash and it carries on; cases that
 * failed are tried again. A case sent but not yet recorded when the process
 * died is sent again with the same key, so the new back-end drops the repeat
 * (or, for an upstream without idempotency, finds its first send).
 */
export async function moveOpen(
  store: Store,
  registry: BackendRegistry,
  key: RouteKey,
  opts: {
    actor: string;
    onCase?: (item: OpenMoveItem) => void;
    /** Called once the move is written (or found, to resume) and held: from here on it runs. */
    onStarted?: (move: OpenMove) => void;
    /** Asked before each case: true stops the move there, resumable (a server shutting down). */
    stopping?: () => boolean;
    leaseMs?: number;
  },
): Promise<MoveReport> {
  // Held while the move runs, renewed at each case, so two operators never move one service at once;
  // after a crash it lapses, and the next run resumes.
  const LEASE_MS = opts.leaseMs ?? 30_000;
  const holder = `move:${randomUUID()}`;
  const lease = `move:${key.jurisdictionId}/${key.serviceCode}`;
  if (!(await store.deliveries.lease(lease, holder, LEASE_MS))) {
    throw new PipeworkError('INVALID_INPUT', `a move of ${key.jurisdictionId}/${key.serviceCode} is running already; wait for it to finish (or, if it stopped, ${Math.ceil(LEASE_MS / 1000)} s, then run this again to resume it)`);
  }
  try {
    const toBackend = await target(store, key);
    let move = await store.deliveries.unfinishedMove(key.jurisdictionId, key.serviceCode);
    if (move && move.toBackend !== toBackend) {
      throw new PipeworkError('INVALID_INPUT', `an unfinished move of ${key.serviceCode} to "${move.toBackend}" (started ${move.createdAt.toISOString()} by ${move.actor}) must finish first; route the service back to "${move.toBackend}" and run move-open again`);
    }
    const { backend, problem } = await registry.get(toBackend);
    if (!backend) throw new PipeworkError('BACKEND_NOT_FOUND', problem ?? `no back-end "${toBackend}"`);
    move ??= await store.deliveries.startMove({ jurisdictionId: key.jurisdictionId, serviceCode: key.serviceCode, toBackend, actor: opts.actor }, await store.deliveries.moveCandidates(key.jurisdictionId, key.serviceCode, toBackend));
    opts.onStarted?.(move);
    const service = await store.services.get(key.jurisdictionId, key.serviceCode);
    for (const item of await store.deliveries.moveItems(move.id)) {
      if (item.state === 'moved') continue;
      if (opts.stopping?.()) break;
      await store.deliveries.lease(lease, holder, LEASE_MS);
      try {
        await moveCase(store, registry, backend, move, item, service);
      } catch (e) {
        await store.deliveries.failMoveItem(move.id, item.requestId, (e as Error).message);
      }
      opts.onCase?.((await store.deliveries.moveItems(move.id)).find((i) => i.requestId === item.requestId)!);
    }
    const items = await store.deliveries.moveItems(move.id);
    if (items.every((i) => i.state === 'moved')) await store.deliveries.finishMove(move.id);
    return {
      move: (await store.deliveries.getMove(move.id))!,
      moved: items.filter((i) => i.state === 'moved').length,
      failed: items.filter((i) => i.state === 'failed').map((i) => ({ requestId: i.requestId, fromBackend: i.fromBackend, error: i.error ?? '' })),
      items,
    };
  } finally {
    await store.deliveries.releaseLease(lease, holder);
  }
}

async function moveCase(store: Store, registry: BackendRegistry, backend: Backend, move: OpenMove, item: OpenMoveItem, service: { name: string; attributes?: RequestJob['questions'] } | undefined) {
  const from = await store.deliveries.get(item.fromDeliveryId);
  if (from?.state !== 'delivered') throw new Error(readiness({ fromBackend: item.fromBackend, fromState: from?.state ?? 'gone' }).why);
  const request = await store.requests.get(move.jurisdictionId, item.requestId);
  if (!request) throw new Error(`request ${item.requestId} is no longer in Pipework (erased?)`);
  const attempt = await store.deliveries.startMoveItem(move.id, item.requestId);
  const key = `move-${move.id}-${item.requestId}`;
  const job: RequestJob = {
    deliveryId: key,
    idempotencyKey: key,
    attempt,
    ...(attempt > 1 ? { firstAttemptAt: move.createdAt } : {}),
    referenceTaken: async (ref) => !!(await store.deliveries.findByRef(backend.name, ref)),
    request,
    contact: (await store.requests.contact(move.jurisdictionId, item.requestId)) ?? {},
    serviceName: service?.name ?? move.serviceCode,
    questions: service?.attributes,
  };
  const sent = await backend.deliverRequest(job);
  const notes = sent.note ? [sent.note] : [];
  if (sent.reference) {
    // Its public history, oldest first, each update with a key of its own (internal notes stay in Pipework).
    for (const update of await store.requests.history(move.jurisdictionId, item.requestId)) {
      const r = await backend.deliverUpdate({ ...job, idempotencyKey: `${key}-u${update.id}`, reference: sent.reference, update });
      if (r.note && !notes.includes(r.note)) notes.push(r.note);
    }
  } else {
    notes.push('history not sent: the reference is not known yet');
  }
  await store.deliveries.completeMoveItem(move.id, item.requestId, { toBackend: backend.name, idempotencyKey: key, externalRef: sent.reference, note: notes.join('; ') || undefined });
  // Where the old back-end's adapter can be told, tell it; it no longer owns the case either way.
  const old = (await registry.get(item.fromBackend)).backend;
  if (old?.handOver && from.externalRef) await old.handOver(from.externalRef, backend.name, job).catch(() => {});
}
