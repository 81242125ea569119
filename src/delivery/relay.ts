import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../core/store.ts';
import type { ClaimedDelivery, DeliveryOutcome } from '../core/delivery/outbox.ts';
import { DeliveryError, type Backend, type RequestJob } from '../backends/port.ts';
import type { BackendRegistry } from '../backends/registry.ts';
import { backoffMs } from './backoff.ts';
import { pullAll } from './pull.ts';
import { CallSlots } from './call-slots.ts';

export interface RelayOptions {
  batchSize: number;
  concurrency: number;
  idlePollMs: number;
  /** Shortest time between two rounds that found work (0: none). */
  minRoundMs?: number;
  leaseMs: number;
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
}

/** The slice of a pino logger the relay uses. */
export interface RelayLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A job's service (its name and questions, for the adapter). */
type ServiceOf = (job: ClaimedDelivery) => ReturnType<Store['services']['get']>;

/** One claimed batch, sorted by how it goes out. */
interface Plan {
  /** Outcomes known without a call (the back-end is unknown or misconfigured). */
  failed: DeliveryOutcome[];
  /** Jobs for batch back-ends (file drop), handed over together. */
  batches: { backend: Backend; jobs: ClaimedDelivery[] }[];
  singles: { job: ClaimedDelivery; backend: Backend }[];
  /** The batch's services, each read once (not once per job). */
  serviceOf: ServiceOf;
}

/** Waiting for an update job until its request job has been delivered is not an attempt. */
const DEFER_MS = 500;

/**
 * Delivers outbox jobs to back-ends. Runs inside `serve`; any number of
 * processes may run one. On PostgreSQL each claims its own jobs with
 * FOR UPDATE SKIP LOCKED; on SQLite only the holder of the `relay` lease
 * works. A claimed job is held for `leaseMs`: if its process dies, another
 * relay takes it over when the lease runs out and sends it again with the same
 * Idempotency-Key. Outcomes of a batch commit together (one fsync, not one per job).
 * Jobs for the built-in case store never reach it: they are delivered as they
 * are written (docs/decisions/0051).
 *
 * @example const relay = new Relay(store, registry, options, app.log); relay.start(); … await relay.stop();
 */
export class Relay {
  readonly worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Set when jobs were queued while the relay was busy, so it does not then sleep through them. */
  private woken = false;
  private unsubscribe?: () => void;
  private leaseHeld = false;
  private leaseCheckedAt = 0;
  /** Batch back-ends (file drop) are only handed jobs once their interval has passed. */
  private batchDueAt = new Map<string, number>();
  private pulling?: Promise<void>;
  /** The last claimed batch's outcomes, written once its calls have answered (after the batch before it). */
  private completing: Promise<void> = Promise.resolve();
  /** Calls in flight, shared by the batches. */
  private readonly calls: CallSlots;
  private lastPull = 0;
  private readonly jobLeaseMs: number;

  constructor(
    private store: Store,
    private registry: BackendRegistry,
    private opts: RelayOptions,
    private log: RelayLog,
  ) {
    this.jobLeaseMs = Math.max(opts.leaseMs, opts.timeoutMs * 3);
    this.calls = new CallSlots(opts.concurrency);
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.store.deliveries.onQueued(() => {
      this.woken = true;
      this.wake?.();
    });
    this.loop = this.run();
  }

  async stop() {
    this.running = false;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
    await this.completing;
    await this.pulling;
    await this.store.deliveries.stopRelaying(this.worker).catch(() => {});
  }

  private async run() {
    while (this.running) {
      let worked = 0;
      const started = Date.now();
      try {
        if (await this.mayWork()) {
          worked = await this.runOnce();
          this.maybePull();
        }
      } catch (err) {
        this.log.error({ err }, 'relay: round failed; trying again shortly');
      }
      if (!worked && this.running) await this.idle();
      // Under load, a short pause between busy rounds lets jobs gather: one claim and one
      // outcome commit then serve many jobs, instead of a pair of commits per request that
      // would compete with the requests' own writes. An idle relay still wakes at once.
      const rest = (this.opts.minRoundMs ?? 0) - (Date.now() - started);
      if (worked && rest > 0 && this.running) await new Promise((r) => setTimeout(r, rest));
    }
  }

  /** The store says whether this relay may work (one relay per SQLite database, any number on PostgreSQL). */
  private async mayWork(): Promise<boolean> {
    const now = Date.now();
    if (this.leaseHeld && now - this.leaseCheckedAt < this.opts.leaseMs / 3) return true;
    // A standby relay asks again at most once a second (sooner with a short lease): one small write, not one per poll.
    if (!this.leaseHeld && now - this.leaseCheckedAt < Math.min(this.opts.leaseMs / 3, 1000)) return false;
    this.leaseHeld = await this.store.deliveries.mayRelay(this.worker, this.opts.leaseMs);
    this.leaseCheckedAt = now;
    return this.leaseHeld;
  }

  private idle() {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.opts.idlePollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => (this.wake = undefined));
  }

  /**
   * Claims one batch of due jobs and hands it to the back-ends; returns how many jobs it took.
   * It returns once the batch is nearly all handed over (its last calls still in flight), so
   * the next claim overlaps them and the calls in flight never drain between batches. The
   * batch's outcomes are written in one transaction when its last call has answered.
   */
  async runOnce(): Promise<number> {
    this.woken = false;
    const now = Date.now();
    const skip = [...this.batchDueAt].filter(([, due]) => due > now).map(([name]) => name);
    // At most two batches' outcomes unwritten: the previous one's write goes on while this batch is claimed and sent.
    const previous = this.completing;
    const jobs = await this.store.deliveries.claim({ worker: this.worker, limit: this.opts.batchSize, leaseMs: this.jobLeaseMs, skipBackends: skip });
    if (!jobs.length) return 0;
    const outcomes = this.send(await this.plan(jobs));
    // If the write fails the jobs stay in flight until their lease ends and are sent again, with the same Idempotency-Key.
    this.completing = Promise.all([previous, outcomes])
      .then(([, done]) => this.store.deliveries.complete(this.worker, done))
      .catch((err) => this.log.error({ err, jobs: jobs.length }, 'relay: could not record outcomes; the jobs will be retried after their lease'));
    await Promise.all([previous, this.calls.waitingAtMost(this.opts.concurrency)]);
    return jobs.length;
  }

  /** Which back-end each job goes to: jobs for a batch back-end together, the rest one call each; an unusable back-end fails its jobs at once. */
  private async plan(jobs: ClaimedDelivery[]): Promise<Plan> {
    const byBackend = new Map<string, ClaimedDelivery[]>();
    for (const j of jobs) {
      const group = byBackend.get(j.backend);
      if (group) group.push(j);
      else byBackend.set(j.backend, [j]);
    }
    const services = new Map<string, ReturnType<ServiceOf>>();
    const serviceOf: ServiceOf = (j) => {
      const key = `${j.jurisdictionId}\0${j.serviceCode}`;
      let found = services.get(key);
      if (!found) services.set(key, (found = this.store.services.get(j.jurisdictionId, j.serviceCode)));
      return found;
    };
    const plan: Plan = { failed: [], batches: [], singles: [], serviceOf };
    for (const [name, group] of byBackend) {
      const { backend, problem } = await this.registry.get(name);
      if (!backend) {
        for (const job of group) plan.failed.push(this.failure(job, Date.now(), new DeliveryError(problem ?? 'unknown back-end')));
        continue;
      }
      if (backend.deliverBatch && backend.batchIntervalMs) {
        this.batchDueAt.set(name, Date.now() + backend.batchIntervalMs);
        plan.batches.push({ backend, jobs: group.filter((j) => j.kind === 'request') });
        for (const job of group) if (job.kind !== 'request') plan.singles.push({ job, backend });
      } else {
        for (const job of group) plan.singles.push({ job, backend });
      }
    }
    return plan;
  }

  /** Sends a planned batch: one call per job through the relay's bounded pool of calls in flight, in claim order. */
  private async send(plan: Plan): Promise<DeliveryOutcome[]> {
    const one = async ({ job, backend }: Plan['singles'][number]) => {
      await this.calls.take();
      try {
        return await this.deliverOne(backend, job, plan.serviceOf);
      } finally {
        this.calls.give();
      }
    };
    const [batched, singles] = await Promise.all([Promise.all(plan.batches.map((b) => this.deliverBatch(b.backend, b.jobs, plan.serviceOf))), Promise.all(plan.singles.map(one))]);
    return [...plan.failed, ...batched.flat(), ...singles];
  }

  private async requestJob(job: ClaimedDelivery, serviceOf: ServiceOf): Promise<RequestJob> {
    return requestJobOf(this.store, job, serviceOf);
  }

  private async deliverOne(backend: Backend, job: ClaimedDelivery, serviceOf: ServiceOf): Promise<DeliveryOutcome> {
    const startedAt = Date.now();
    try {
      if (job.kind === 'request') {
        const r = await backend.deliverRequest(await this.requestJob(job, serviceOf));
        if (r.note) this.log.warn({ delivery: job.id, request: job.requestId, backend: job.backend, note: r.note, suspectDuplicate: !!r.suspectDuplicate }, 'relay: delivered, with a note');
        return { deliveryId: job.id, startedAt, finishedAt: Date.now(), outcome: 'delivered', externalRef: r.reference, note: r.note, suspectDuplicate: r.suspectDuplicate };
      }
      if (job.kind === 'erasure') return await this.deliverErasure(backend, job, startedAt);
      if (job.parentState === 'dead' || !job.parentState) {
        throw new DeliveryError(`the request itself was not delivered to ${job.backend} (its delivery failed); retry that first, then this one`, false);
      }
      if (job.parentState !== 'delivered' || !job.parentRef) {
        // The request job has not been delivered yet; wait for it (at least until it is next tried) without spending an attempt.
        const parentNext = job.parentState === 'pending' ? (job.parentDueAt?.getTime() ?? 0) : 0;
        const retryAt = Math.max(Date.now() + DEFER_MS, parentNext);
        return { deliveryId: job.id, startedAt, finishedAt: Date.now(), outcome: 'deferred', retryAt, error: 'waiting for the request to be delivered first' };
      }
      const u = await backend.deliverUpdate({ ...(await this.requestJob(job, serviceOf)), reference: job.parentRef, update: job.update! });
      return { deliveryId: job.id, startedAt, finishedAt: Date.now(), outcome: 'delivered', externalRef: job.parentRef, note: u.note };
    } catch (err) {
      return this.failure(job, startedAt, err);
    }
  }

  /**
   * An erasure goes after the request itself (it waits, like an update); a
   * back-end that cannot take one, or never received the request, has the
   * erasure recorded instead, for the council to pass on (docs/records.md).
   */
  private async deliverErasure(backend: Backend, job: ClaimedDelivery, startedAt: number): Promise<DeliveryOutcome> {
    const done = async (state: 'confirmed' | 'recorded', detail: string, externalRef?: string): Promise<DeliveryOutcome> => {
      await this.store.erasures.acknowledge({ target: 'backend', deliveryId: job.id, state, detail, at: new Date() });
      return { deliveryId: job.id, startedAt, finishedAt: Date.now(), outcome: 'delivered', externalRef };
    };
    const what = job.updateId ? `comment ${job.updateId} on` : '';
    if (job.parentState === 'dead' || !job.parentState) return done('recorded', 'the request never reached this back-end (its delivery failed)');
    if (job.parentState !== 'delivered' || !job.parentRef) {
      const parentNext = job.parentState === 'pending' ? (job.parentDueAt?.getTime() ?? 0) : 0;
      return { deliveryId: job.id, startedAt, finishedAt: Date.now(), outcome: 'deferred', retryAt: Math.max(Date.now() + DEFER_MS, parentNext), error: 'waiting for the request to be delivered first' };
    }
    if (!backend.deliverErasure) return done('recorded', `a ${backend.kind} back-end cannot be sent an erasure: tell its owner to erase ${what ? `${what} ` : ''}reference ${job.parentRef}`, job.parentRef);
    const r = await backend.deliverErasure({
      deliveryId: job.id, idempotencyKey: job.idempotencyKey, attempt: job.attempts, requestId: job.requestId, reference: job.parentRef, serviceCode: job.serviceCode,
      ...(job.updateId ? { updateId: job.updateId } : {}),
    });
    return done('confirmed', r.reference ? `erased (their reference ${r.reference})` : 'erased', job.parentRef);
  }

  private async deliverBatch(backend: Backend, jobs: ClaimedDelivery[], serviceOf: ServiceOf): Promise<DeliveryOutcome[]> {
    if (!jobs.length) return [];
    const startedAt = Date.now();
    try {
      const results = await backend.deliverBatch!(await Promise.all(jobs.map((j) => this.requestJob(j, serviceOf))));
      return jobs.map((job, i) => {
        const r = results[i];
        return r instanceof DeliveryError || !r
          ? this.failure(job, startedAt, r ?? new DeliveryError('the adapter gave no result for this job'))
          : { deliveryId: job.id, startedAt, finishedAt: Date.now(), outcome: 'delivered' as const, externalRef: r.reference };
      });
    } catch (err) {
      return jobs.map((job) => this.failure(job, startedAt, err));
    }
  }

  /** A failed attempt: retried after a growing, jittered wait, or dead-lettered after the last attempt (or at once when retrying cannot help). */
  private failure(job: ClaimedDelivery, startedAt: number, err: unknown): DeliveryOutcome {
    const message = err instanceof Error ? err.message : String(err);
    const retryable = !(err instanceof DeliveryError) || err.retryable;
    const dead = !retryable || job.attempts >= this.opts.maxAttempts;
    const finishedAt = Date.now();
    const ctx = { delivery: job.id, request: job.requestId, backend: job.backend, attempt: job.attempts, error: message };
    if (!(err instanceof DeliveryError)) this.log.error({ ...ctx, err }, 'relay: adapter failed unexpectedly');
    if (dead) {
      this.log.error(ctx, 'relay: delivery dead-lettered');
      if (job.kind === 'erasure') void this.store.erasures.acknowledge({ target: 'backend', deliveryId: job.id, state: 'failed', detail: message, at: new Date(finishedAt) }).catch((e) => this.log.error({ err: e }, 'relay: could not record a refused erasure'));
      return { deliveryId: job.id, startedAt, finishedAt, outcome: 'dead', error: message };
    }
    this.log.warn(ctx, 'relay: delivery failed; will retry');
    return { deliveryId: job.id, startedAt, finishedAt, outcome: 'failed', error: message, retryAt: finishedAt + backoffMs(job.attempts, this.opts.backoffMs, this.opts.backoffMaxMs) };
  }

  /** Pulls status from pull back-ends in the background, at most once a second. */
  private maybePull() {
    if (this.pulling || Date.now() - this.lastPull < 1000) return;
    this.lastPull = Date.now();
    this.pulling = pullAll(this.store, this.registry, this.worker, this.log)
      .catch((err) => this.log.error({ err }, 'relay: pulling status updates failed'))
      .finally(() => (this.pulling = undefined));
  }
}

/**
 * What an adapter gets for one job: the request, its contact, the service's
 * name and questions; after the first attempt, when that was (the window to
 * look for a first send in) and a way to tell a case another job holds.
 */
export async function requestJobOf(store: Store, job: ClaimedDelivery, serviceOf: ServiceOf = (j) => store.services.get(j.jurisdictionId, j.serviceCode)): Promise<RequestJob> {
  const service = await serviceOf(job);
  const first = job.attempts > 1 ? (await store.deliveries.attempts(job.id))[0]?.startedAt : undefined;
  return {
    deliveryId: job.id,
    idempotencyKey: job.idempotencyKey,
    attempt: job.attempts,
    // No attempt recorded (its relay died before writing it): the job's creation bounds the first send.
    ...(job.attempts > 1 ? { firstAttemptAt: first ?? job.createdAt } : {}),
    referenceTaken: async (ref) => {
      const holder = await store.deliveries.findByRef(job.backend, ref);
      return !!holder && holder.id !== job.id;
    },
    request: job.request,
    contact: job.contact,
    serviceName: service?.name ?? job.serviceCode,
    questions: service?.attributes,
  };
}
