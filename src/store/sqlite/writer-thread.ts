import { Worker } from 'node:worker_threads';
import { requestStatements, type NewRequestRows, type RequestRow, type RequestStatements } from '../request-writer.ts';

interface Pending {
  statements: RequestStatements;
  resolve: (row: RequestRow) => void;
  reject: (err: unknown) => void;
}

type Result = { row: RequestRow } | { error: { message: string; code?: string } };

/** Upper bound of one batch, so one huge burst cannot hold the database's write lock for long. */
const MAX_BATCH = 512;

/**
 * New requests on an SQLite file, written by a thread of their own
 * (request-writer-thread.js, its own connection; decision 0165): group commit
 * as in group-commit.ts, but the inserts and the commit's fsync no longer
 * stop the event loop, so parsing, validating and answering go on beside them
 * on the second core. While one batch is being written the next gathers;
 * each caller's promise resolves after its batch's COMMIT. If a batch fails,
 * the thread writes each request alone, so one bad request fails alone.
 * `onCommitted` runs after each batch, before any caller hears of it.
 */
export function threadWriter(path: string, onCommitted: () => void) {
  let worker: Worker | undefined;
  let queue: Pending[] = [];
  let writing: Pending[] | undefined;
  let scheduled = false;
  let closed: Promise<void> | undefined;
  /** Main-thread writes in progress (main-dialect.ts): no batch starts while any is. */
  let held = 0;
  let waiting: (() => void)[] = [];

  const settle = (batch: Pending[], results: Result[]) => {
    onCommitted();
    batch.forEach((p, i) => {
      const r = results[i];
      if (r && 'row' in r) p.resolve(r.row);
      else p.reject(Object.assign(new Error(r?.error.message ?? 'the writer thread gave no result'), { code: r?.error.code }));
    });
  };

  const start = () => {
    // Plain JavaScript: the thread needs no TypeScript loader (execArgv without --import tsx).
    const w = new Worker(new URL('./request-writer-thread.js', import.meta.url), { workerData: { path }, execArgv: [] });
    w.on('message', ({ results }: { results: Result[] }) => {
      const batch = writing ?? [];
      writing = undefined;
      settle(batch, results);
      grantWaiting();
      if (queue.length) send();
      else w.unref();
    });
    const lost = (err: Error) => {
      if (worker !== w) return;
      worker = undefined;
      // Whether the batch in hand was committed is unknown: its callers are told it failed; the next batch starts a new thread.
      const batch = writing ?? [];
      writing = undefined;
      for (const p of batch) p.reject(err);
      grantWaiting();
      if (queue.length) send();
    };
    w.on('error', lost);
    w.on('exit', (code) => lost(new Error(`the SQLite writer thread stopped (exit code ${code})`)));
    return w;
  };

  function grantWaiting() {
    const now = waiting;
    waiting = [];
    for (const grant of now) grant();
  }

  function send() {
    scheduled = false;
    if (writing || held || !queue.length) return;
    writing = queue.splice(0, MAX_BATCH);
    worker ??= start();
    worker.ref();
    worker.postMessage({ items: writing.map((p) => p.statements) });
  }

  return {
    write: (rows: NewRequestRows) =>
      new Promise<RequestRow>((resolve, reject) => {
        if (closed) return reject(new Error('the store is closed'));
        queue.push({ statements: requestStatements(rows), resolve, reject });
        // setImmediate runs after this turn's I/O callbacks: every request parsed in this turn joins the batch.
        if (!writing && !scheduled) {
          scheduled = true;
          setImmediate(send);
        }
      }),
    /**
     * Holds batches off for a write on the main connection: resolves once no
     * batch is being written, with the function that lets them go on again.
     */
    hold: () =>
      new Promise<() => void>((resolve) => {
        const grant = () => {
          held++;
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            held--;
            if (!held) send();
          });
        };
        if (writing) waiting.push(grant);
        else grant();
      }),
    /** Waits for what was accepted, then stops the thread. */
    close: () =>
      (closed ??= (async () => {
        while (writing || queue.length) await new Promise((r) => setTimeout(r, 5));
        await worker?.terminate();
        worker = undefined;
      })()),
  };
}
