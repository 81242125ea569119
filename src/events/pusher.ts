import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../core/store.ts';
import type { Clock } from '../core/clock.ts';
import type { Subscription } from '../core/events/subscription.ts';
import { backoffMs } from '../delivery/backoff.ts';
import { EVENT_TYPES } from '../core/events/event.ts';
import { toCloudEvent } from '../standards/cloudevents/format.ts';
import { askConsent, pushEvent } from '../standards/cloudevents/webhook.ts';

export interface PusherOptions {
  pollMs: number;
  /** Most events pushed to one subscriber in one round. */
  batchSize: number;
  timeoutMs: number;
  backoffMs: number;
  backoffMaxMs: number;
  /** A subscriber failing this long is paused. */
  pauseAfterMs: number;
  /** WebHook-Request-Origin: the host name this Pipework is known by. */
  origin: string;
  /** The base of CloudEvents `source`. */
  publicUrl: string;
}

export interface PusherLog {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Pushes the event log to each subscription in order: after the web-hook
 * handshake, one event at a time from its cursor, the cursor moving only when
 * the subscriber answers 2xx. A failure stops that subscription (later events
 * wait, so order holds) and it is tried again after a growing, jittered wait;
 * after `pauseAfterMs` of failures it is paused until replayed. One process
 * pushes at a time (the `event-pusher` lease), so order holds across processes.
 * Scheduling follows `clock`, so tests move days forward without waiting.
 *
 * @example const pusher = new EventPusher(store, options, log); pusher.start(); … await pusher.stop();
 */
/** What the pusher has done since it started: counts, so its cost per event can be measured on a busy machine. */
export interface PusherStats {
  /** Rounds that found a subscription due. */
  rounds: number;
  /** Looks for due subscriptions, busy or not. */
  polls: number;
  /** Events delivered (one signed POST each). */
  pushed: number;
  /** Database calls: reads of the log and its end, lease and subscription writes. */
  dbCalls: number;
}

export class EventPusher {
  readonly worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly stats: PusherStats = { rounds: 0, polls: 0, pushed: 0, dbCalls: 0 };
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** The last round filled some subscriber's batch. */
  private more = false;

  constructor(
    private store: Store,
    private opts: PusherOptions,
    private log: PusherLog,
    private clock: Clock = { now: () => new Date() },
  ) {}

  start() {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop() {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.store.deliveries.releaseLease('event-pusher', this.worker).catch(() => {});
  }

  private async run() {
    while (this.running) {
      let worked = 0;
      try {
        worked = await this.runOnce();
      } catch (err) {
        this.log.error({ err }, 'events: push round failed; trying again shortly');
      }
      // Look again at once only when a subscriber had a full batch (more is waiting); otherwise
      // every subscription's next turn is a poll interval away, and looking sooner finds nothing.
      if ((!worked || !this.more) && this.running) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, this.opts.pollMs)));
    }
  }

  /** One round over the due subscriptions; returns how many events it pushed. */
  async runOnce(): Promise<number> {
    this.stats.polls++;
    this.stats.dbCalls++;
    const due = await this.store.subscriptions.due(this.clock.now());
    if (!due.length) return 0;
    this.stats.rounds++;
    this.stats.dbCalls++;
    if (!(await this.store.deliveries.lease('event-pusher', this.worker, Math.max(30_000, this.opts.timeoutMs * 3)))) return 0;
    const each = await Promise.all(due.map((s) => this.serve(s)));
    const pushed = each.reduce((a, b) => a + b, 0);
    this.more = each.some((n) => n >= this.opts.batchSize);
    this.stats.pushed += pushed;
    return pushed;
  }

  private async serve(sub: Subscription): Promise<number> {
    if (sub.state === 'validating') {
      const consent = await askConsent(sub.url, this.opts.origin, this.opts.timeoutMs);
      if (!consent.ok) return this.failed(sub, consent.error!, 0);
      sub = (await this.store.subscriptions.update(sub.id, { state: 'active', attempts: 0, failingSince: null, lastError: null }, this.clock.now())) ?? sub;
    }
    let cursor = sub.cursor;
    let pushed = 0;
    while (pushed < this.opts.batchSize) {
      // Read before the page: every event up to `last` that matches is in the page or was before it.
      this.stats.dbCalls += 2;
      const last = await this.store.events.lastSeq();
      // An erasure reaches every subscriber of its council, whatever types it asked for (docs/records.md).
      const types = sub.types.length ? [...sub.types, EVENT_TYPES.recordsErased] : sub.types;
      // The whole batch in one read: a burst of events costs one page, not one per hundred.
      const page = await this.store.events.read({ after: cursor, limit: this.opts.batchSize - pushed, types, jurisdictionIds: sub.councils });
      if (!page.length) {
        cursor = Math.max(cursor, last);
        break;
      }
      for (const e of page) {
        const r = await pushEvent(sub.url, toCloudEvent(e, this.opts.publicUrl), sub.secret, this.opts.origin, this.opts.timeoutMs);
        if (!r.ok) return this.failed({ ...sub, cursor }, r.error!, pushed);
        if (e.type === EVENT_TYPES.recordsErased) await this.store.erasures.acknowledge({ target: 'subscriber', accessId: String(e.data.erasure_id), name: sub.id, state: 'confirmed', detail: 'answered 2xx', at: this.clock.now() });
        cursor = e.seq;
        pushed++;
      }
    }
    const now = this.clock.now();
    // A full batch means more may be waiting: the next round comes at once. One write per round.
    const nextAt = pushed < this.opts.batchSize ? new Date(now.getTime() + this.opts.pollMs) : now;
    this.stats.dbCalls++;
    if (cursor !== sub.cursor || sub.attempts || pushed) {
      await this.store.subscriptions.update(sub.id, { cursor, attempts: 0, failingSince: null, lastError: null, nextAt, ...(pushed ? { deliveredAt: now } : {}) }, now);
    } else {
      await this.store.subscriptions.update(sub.id, { nextAt }, now);
    }
    return pushed;
  }

  private async failed(sub: Subscription, error: string, pushed: number): Promise<number> {
    const now = this.clock.now();
    // Events got through earlier in this round: the subscriber was up, so this is a new run of failures.
    const fresh = pushed > 0;
    const failingSince = fresh ? now : (sub.failingSince ?? now);
    const attempts = fresh ? 1 : sub.attempts + 1;
    const ctx = { subscription: sub.id, url: sub.url, attempts, error };
    if (now.getTime() - failingSince.getTime() >= this.opts.pauseAfterMs) {
      this.log.error(ctx, 'events: subscriber failing for too long; subscription paused until replayed');
      await this.store.subscriptions.update(sub.id, { state: 'paused', cursor: sub.cursor, attempts, failingSince, lastError: error }, now);
      return pushed;
    }
    this.log.warn(ctx, 'events: push failed; will retry');
    const nextAt = new Date(now.getTime() + backoffMs(attempts, this.opts.backoffMs, this.opts.backoffMaxMs));
    await this.store.subscriptions.update(sub.id, { cursor: sub.cursor, attempts, failingSince, lastError: error, nextAt }, now);
    return pushed;
  }
}
