/**
 * At most `size` calls to back-ends at once, shared by every batch the relay
 * has claimed and handed out in the order asked for (so one batch's jobs go
 * before the next one's). The relay claims its next batch while the last
 * calls of the previous one are still out, so the calls in flight never
 * drain between batches.
 *
 * @example await slots.take(); try { await send(job); } finally { slots.give(); }
 */
export class CallSlots {
  private busy = 0;
  private queue: (() => void)[] = [];
  private watchers: { most: number; resolve: () => void }[] = [];

  constructor(private size: number) {}

  /** Resolves when this call may go. */
  take(): Promise<void> {
    if (this.busy < this.size) {
      this.busy++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  /** A call has finished: its slot goes to the longest-waiting one. */
  give() {
    const next = this.queue.shift();
    if (next) next();
    else this.busy--;
    if (this.watchers.length) this.watchers = this.watchers.filter((w) => (this.queue.length <= w.most ? (w.resolve(), false) : true));
  }

  /** Resolves once at most `most` calls are waiting for a slot. */
  waitingAtMost(most: number): Promise<void> {
    if (this.queue.length <= most) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push({ most, resolve }));
  }
}
