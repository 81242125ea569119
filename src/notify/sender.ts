import { referenceCodec, type ReferenceCodec } from '../core/references/reference.ts';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../core/store.ts';
import type { Clock } from '../core/clock.ts';
import type { ClaimedNotification, NotificationOutcome } from '../core/notifications/notification.ts';
import { backoffMs } from '../delivery/backoff.ts';
import { compose, statusOf } from './messages.ts';
import { pickTemplate } from '../core/notifications/templates.ts';
import { councilName } from '../core/councils/council.ts';
import { SendError, type Transport } from './transport.ts';
import { localised } from '../web/welsh.ts';
import type { Status } from '../core/statuses.ts';

export interface SenderOptions {
  pollMs: number;
  batchSize: number;
  leaseMs: number;
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  /** Older messages are skipped, not sent late. */
  maxAgeMs: number;
  /** Longest wait for one send; then it counts as failed for now. */
  sendTimeoutMs: number;
  /** Where residents' links point. */
  publicUrl: string;
}

/** The slice of a pino logger the sender uses. */
export interface SenderLog {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Sends residents' messages from the notifications outbox, like the relay:
 * claim due jobs, send each through the first transport for its channel,
 * record the outcome, retry failures after a growing, jittered wait. On
 * PostgreSQL senders claim with SKIP LOCKED; on SQLite only the holder of the
 * `notifier` lease sends. A job is sent again only after a failure, or after
 * its sender died holding it (then with the same key: SMTP Message-ID,
 * Notify `reference`).
 *
 * @example const sender = new NotificationSender(store, [smtpTransport(url, from)], options, log); sender.start();
 */
export class NotificationSender {
  readonly worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private store: Store,
    private transports: Transport[],
    private opts: SenderOptions,
    private log: SenderLog,
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
    if (this.store.dialect === 'sqlite') await this.store.deliveries.releaseLease('notifier', this.worker).catch(() => {});
    for (const t of this.transports) await t.close?.();
  }

  private async run() {
    while (this.running) {
      let worked = 0;
      try {
        worked = await this.runOnce();
      } catch (err) {
        this.log.error({ err }, 'notifications: round failed; trying again shortly');
      }
      if (!worked && this.running) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, this.opts.pollMs)));
    }
  }

  /** One round: claims due jobs, sends them, records what happened. Returns how many it handled. */
  async runOnce(): Promise<number> {
    if (this.store.dialect === 'sqlite' && !(await this.store.deliveries.lease('notifier', this.worker, this.opts.leaseMs))) return 0;
    const jobs = await this.store.notifications.claim({ worker: this.worker, limit: this.opts.batchSize, leaseMs: this.opts.leaseMs, now: this.clock.now().getTime() });
    if (!jobs.length) return 0;
    // One request's messages go one after another, in the order they were queued: the confirmation before the first update.
    const byRequest = new Map<string, ClaimedNotification[]>();
    for (const j of jobs) byRequest.set(j.requestId, [...(byRequest.get(j.requestId) ?? []), j]);
    const outcomes: NotificationOutcome[] = [];
    await Promise.all(
      [...byRequest.values()].map(async (group) => {
        for (const j of group) outcomes.push(await this.sendOne(j));
      }),
    );
    await this.store.notifications.complete(this.worker, outcomes);
    return jobs.length;
  }

  private codec?: Promise<ReferenceCodec>;
  /** The resident reference residents track their report by (the same key as the web's). */
  private async referenceOf(id: string): Promise<string> {
    this.codec ??= this.store.residentWeb.referenceSecret().then((s) => referenceCodec(s.secret));
    this.codec.catch(() => (this.codec = undefined));
    return (await this.codec).encode(id);
  }

  /** The pattern's description of a status ("The work is booked with our contractor."), from the version the request follows. */
  private async statusDescription(job: ClaimedNotification, status: string): Promise<string | undefined> {
    const ref = job.request.pattern;
    if (!ref) return undefined;
    const stored = await this.store.patterns.get(job.jurisdictionId, ref.id, ref.version);
    const statuses = (stored?.document.process as { statuses?: { status: string; description?: string }[] } | undefined)?.statuses;
    return statuses?.find((s) => s.status === status)?.description;
  }

  private async sendOne(job: ClaimedNotification): Promise<NotificationOutcome> {
    const now = () => this.clock.now().getTime();
    const skip = (error: string): NotificationOutcome => ({ notificationId: job.id, outcome: 'skipped', error, at: now() });
    if (job.notice.stoppedAt) return skip('the resident stopped updates for this report');
    if (now() - job.createdAt.getTime() > this.opts.maxAgeMs) return skip('not sent in time; too late to be useful');
    const transport = this.transports.find((t) => t.channels.includes(job.channel));
    if (!transport) return skip(`no sender for ${job.channel} is configured`);
    const [service, councils, council, templates, reference, originalReference] = await Promise.all([
      this.store.services.get(job.jurisdictionId, job.request.serviceCode),
      this.store.jurisdictions.list(),
      this.store.councils.get(job.jurisdictionId),
      this.store.messageTemplates.list(job.jurisdictionId),
      this.referenceOf(job.request.id),
      job.duplicateOf ? this.referenceOf(job.duplicateOf) : undefined,
    ]);
    const status = statusOf(job);
    const lang = job.notice.language;
    // In Welsh, the pattern's Welsh (its `cy`, carried by the service: decision 0105); what it lacks is Pipework's own Welsh.
    const shown = service && localised(service, lang);
    const message = compose(job, {
      reference,
      originalReference,
      serviceName: shown?.name ?? job.request.serviceCode,
      // In Welsh, the council's Welsh name where it has one.
      councilName: council ? councilName(council, lang) : (councils.find((c) => c.id === job.jurisdictionId)?.name ?? job.jurisdictionId),
      publicUrl: this.opts.publicUrl,
      statusLabel: shown?.statusLabels?.[status as Status],
      statusDescription: lang === 'cy' ? service?.welsh?.statusDescriptions?.[status as Status] : await this.statusDescription(job, status),
      template: pickTemplate(templates, { serviceCode: job.request.serviceCode, kind: job.kind, channel: job.channel, language: lang }),
    });
    if (!message.to) return skip(`the resident gave no ${job.channel === 'email' ? 'email address' : 'mobile number'}`);
    try {
      const { ref } = await withTimeout(transport.send(message), this.opts.sendTimeoutMs);
      return { notificationId: job.id, outcome: 'sent', sender: transport.name, externalRef: ref, at: now() };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof SendError && err.permanent;
      const ctx = { notification: job.id, request: job.requestId, sender: transport.name, attempt: job.attempts, error };
      if (permanent || job.attempts >= this.opts.maxAttempts) {
        this.log.error(ctx, 'notifications: message could not be sent; recorded against the request');
        return { notificationId: job.id, outcome: 'failed', sender: transport.name, error, at: now() };
      }
      this.log.warn(ctx, 'notifications: send failed; will retry');
      return { notificationId: job.id, outcome: 'retry', sender: transport.name, error, at: now(), retryAt: now() + backoffMs(job.attempts, this.opts.backoffMs, this.opts.backoffMaxMs) };
    }
  }
}

/** A send that takes too long counts as failed for now; a transport that can, checks on the next try whether it got through. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new SendError(`no answer within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
