import type { Store } from '../core/store.ts';
import type { BackendEvent, Delivery } from '../core/delivery/outbox.ts';
import type { Backend, StatusReport } from '../backends/port.ts';
import type { BackendRegistry } from '../backends/registry.ts';
import { mapStatus } from '../backends/status-map.ts';
import type { RelayLog } from './relay.ts';
import { requestJobOf } from './relay.ts';
import { applyStatusReport } from './status-in.ts';

const nextPull = new Map<string, number>();
/** How many deliveries with an unknown reference one pull tries to reconcile. */
const RECONCILE_PER_PULL = 50;

/**
 * Pulls status reports from every pull back-end whose interval has passed.
 * A named lease per back-end (held for its interval) means one process pulls
 * it at a time, whichever dialect. Reports are applied one by one: a report
 * that cannot be applied (unknown reference) is logged and the rest go on.
 */
export async function pullAll(store: Store, registry: BackendRegistry, worker: string, log: RelayLog): Promise<void> {
  for (const backend of await registry.all()) {
    if (backend.statusUpdates !== 'pull' || !backend.pullUpdates) continue;
    const interval = backend.pullIntervalMs ?? 60_000;
    const key = `${worker}\0${backend.name}`;
    if ((nextPull.get(key) ?? 0) > Date.now()) continue;
    if (!(await store.deliveries.lease(`pull:${backend.name}`, worker, interval))) continue;
    nextPull.set(key, Date.now() + interval);
    await pullOne(store, backend.name, registry, log);
  }
}

/**
 * One pull from one back-end, now; exported for tests and `npx pipework` operators.
 * First it looks for the references of jobs delivered without one. A paged
 * back-end (`pullPages`) then reads one page of requests, the least recently
 * checked first, and a report that says what the last one said is dropped.
 */
export async function pullOne(store: Store, name: string, registry: BackendRegistry, log: RelayLog) {
  const { backend } = await registry.get(name);
  if (!backend?.pullUpdates) return { applied: 0, problems: [`"${name}" does not pull status updates`] };
  await reconcile(store, backend, log);
  let page: Delivery[] | undefined;
  const refs = async () => {
    if (backend.pullPages) {
      page = await store.deliveries.toCheck(name, { limit: backend.pullPages.size, graceMs: backend.pullPages.closedGraceMs });
      return page.map((d) => d.externalRef!);
    }
    return (await store.deliveries.list({ backend: name, state: 'delivered', limit: 1000 })).flatMap((d) => (d.kind === 'request' && d.externalRef ? [d.externalRef] : []));
  };
  const checkedAt = Date.now();
  const result = await backend.pullUpdates(await store.deliveries.cursor(name), refs);
  for (const p of result.problems) log.warn({ backend: name, problem: p }, 'pull: input set aside');
  const reports = page ? await changesOnly(store, backend, page, result.reports) : result.reports;
  let applied = 0;
  for (const report of reports) {
    try {
      const r = await applyStatusReport(store, backend, report);
      if (!r.known) log.warn({ backend: name, request: r.requestId, code: report.code }, 'pull: unknown status code kept, not mapped');
      applied++;
    } catch (err) {
      log.warn({ backend: name, reference: report.reference ?? report.requestId, code: report.code, error: (err as Error).message }, 'pull: report not applied');
    }
  }
  await result.done?.();
  if (page) await store.deliveries.markChecked(page.map((d) => d.id), checkedAt);
  if (result.cursor !== undefined) await store.deliveries.setCursor(name, result.cursor);
  return { applied, problems: result.problems, read: page?.length };
}

/**
 * Snapshots of status become updates only when something changed: the code
 * or the words differ from this back-end's last report, or (the first time)
 * the status differs from the request's own. So the first poll of a new
 * request adds no empty `open` update.
 */
async function changesOnly(store: Store, backend: Backend, page: Delivery[], reports: StatusReport[]): Promise<StatusReport[]> {
  const byRef = new Map(page.map((d) => [d.externalRef!, d]));
  const requestIds = [...new Set(page.map((d) => d.requestId))];
  const last = new Map<string, BackendEvent>();
  const status = new Map<string, string>();
  for (let i = 0; i < requestIds.length; i += 500) {
    const ids = requestIds.slice(i, i + 500);
    for (const e of await store.deliveries.events({ requestIds: ids, backend: backend.name, limit: 1_000_000 })) last.set(e.requestId, e);
    for (const r of await store.requests.search({ jurisdictionId: page[0].jurisdictionId, ids, page: 1, pageSize: ids.length })) status.set(r.id, r.status);
  }
  return reports.filter((r) => {
    const job = r.reference ? byRef.get(r.reference) : undefined;
    if (!job) return true; // not one this page asked about: let applyStatusReport judge it
    const before = last.get(job.requestId);
    const words = r.description ?? '';
    if (before) return before.externalCode !== r.code || before.description !== words;
    const mapped = mapStatus(backend.statusMap, r.code);
    return !mapped.known || mapped.status !== status.get(job.requestId) || words !== '';
  });
}

/** Looks up, on the back-end, the cases of jobs delivered with their reference unknown, and records what it finds. */
async function reconcile(store: Store, backend: Backend, log: RelayLog) {
  if (!backend.reconcile) return;
  for (const job of await store.deliveries.unreferenced(backend.name, RECONCILE_PER_PULL)) {
    try {
      const found = await backend.reconcile({ ...(await requestJobOf(store, job)), firstAttemptAt: job.createdAt });
      if (!found.reference) continue;
      await store.deliveries.setReference(job.id, found.reference, `${job.note ? `${job.note}; ` : ''}reference found later: ${found.note ?? found.reference}`, found.suspectDuplicate);
      log.info({ backend: backend.name, delivery: job.id, reference: found.reference }, 'pull: reference of a delivered job found');
    } catch (err) {
      log.warn({ backend: backend.name, delivery: job.id, error: (err as Error).message }, 'pull: could not look up a reference yet');
    }
  }
}
