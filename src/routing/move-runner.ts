import type { Store } from '../core/store.ts';
import type { OpenMove } from '../core/delivery/moves.ts';
import type { BackendRegistry } from '../backends/registry.ts';
import { moveOpen } from './move-open.ts';
import type { RouteKey } from './manage.ts';

/** A move's progress, read from the database (so it is the same whichever page or call asks). */
export interface MoveProgress {
  move: OpenMove;
  /** `running` in this server process; `stopped` when unfinished and not running here (start it again to resume). */
  state: 'running' | 'finished' | 'stopped';
  total: number;
  moved: number;
  pending: number;
  failed: { requestId: string; fromBackend: string; error: string }[];
  /** Why the run that was running here stopped, when it stopped on an error of its own (not a case's). */
  error?: string;
}

interface Logger {
  error(o: object, msg: string): void;
}

/**
 * Runs `routes move-open` moves inside the server process, so the admin API
 * and the staff console answer at once and are followed by their progress.
 * A move's state is in the database as ever: a server stopped half-way
 * leaves it resumable, and starting it again carries on. One runner per
 * store (so the API and the console see the same running moves).
 */
export class MoveRunner {
  private running = new Map<string, Promise<void>>();
  private errors = new Map<string, string>();
  private closing = false;

  constructor(
    private store: Store,
    private registry: BackendRegistry,
    private log: Logger,
  ) {}

  /**
   * Starts (or resumes) the move of a service's open cases to its primary.
   * Resolves as soon as the move is written and held; what would refuse it
   * (an unknown service or back-end, a move already running) rejects here.
   */
  start(key: RouteKey, actor: string): Promise<OpenMove> {
    return new Promise((resolve, reject) => {
      let started: OpenMove | undefined;
      // onStarted is called after moveOpen's first awaits, so `run` is assigned by then.
      const run: Promise<void> = moveOpen(this.store, this.registry, key, {
        actor,
        stopping: () => this.closing,
        onStarted: (move) => {
          started = move;
          this.errors.delete(move.id);
          this.running.set(move.id, run);
          resolve(move);
        },
      })
        .then(
          () => undefined,
          (e: Error) => {
            if (!started) return reject(e);
            this.errors.set(started.id, e.message);
            this.log.error({ move: started.id, err: e.message }, 'move-open stopped on an error; start it again to resume');
          },
        )
        .finally(() => {
          if (started) this.running.delete(started.id);
        });
    });
  }

  async progress(moveId: string): Promise<MoveProgress | undefined> {
    const move = await this.store.deliveries.getMove(moveId);
    if (!move) return undefined;
    const items = await this.store.deliveries.moveItems(move.id);
    const count = (state: string) => items.filter((i) => i.state === state).length;
    const error = this.errors.get(move.id);
    return {
      move,
      state: move.finishedAt ? 'finished' : this.running.has(move.id) ? 'running' : 'stopped',
      total: items.length,
      moved: count('moved'),
      pending: count('pending'),
      failed: items.filter((i) => i.state === 'failed').map((i) => ({ requestId: i.requestId, fromBackend: i.fromBackend, error: i.error ?? '' })),
      ...(error ? { error } : {}),
    };
  }

  /** Resolves when the move running here (if any) has stopped: for tests and for shutdown. */
  async settled(moveId: string): Promise<void> {
    await this.running.get(moveId);
  }

  /** Stops every move at its next case (each stays resumable) and waits for them. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.running.values());
  }
}

const runners = new WeakMap<Store, MoveRunner>();

/** The one runner for this store (the admin API and the staff console share it). */
export function moveRunner(store: Store, registry: BackendRegistry, log: Logger): MoveRunner {
  let r = runners.get(store);
  if (!r) {
    r = new MoveRunner(store, registry, log);
    runners.set(store, r);
  }
  return r;
}
