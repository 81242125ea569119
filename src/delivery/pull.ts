import type { Store } from '../core/store.ts';
import type { BackendRegistry } from '../backends/registry.ts';
import type { RelayLog } from './relay.ts';
import { applyStatusReport } from './status-in.ts';

const nextPull = new Map<string, number>();

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

/** One pull from one back-end, now; exported for tests and `npx pipework` operators. */
export async function pullOne(store: Store, name: string, registry: BackendRegistry, log: RelayLog) {
  const { backend } = await registry.get(name);
  if (!backend?.pullUpdates) return { applied: 0, problems: [`"${name}" does not pull status updates`] };
  const refs = async () =>
    (await store.deliveries.list({ backend: name, state: 'delivered', limit: 1000 })).flatMap((d) => (d.kind === 'request' && d.externalRef ? [d.externalRef] : []));
  const result = await backend.pullUpdates(await store.deliveries.cursor(name), refs);
  for (const p of result.problems) log.warn({ backend: name, problem: p }, 'pull: input set aside');
  let applied = 0;
  for (const report of result.reports) {
    try {
      const r = await applyStatusReport(store, backend, report);
      if (!r.known) log.warn({ backend: name, request: r.requestId, code: report.code }, 'pull: unknown status code kept, not mapped');
      applied++;
    } catch (err) {
      log.warn({ backend: name, reference: report.reference ?? report.requestId, code: report.code, error: (err as Error).message }, 'pull: report not applied');
    }
  }
  await result.done?.();
  if (result.cursor !== undefined) await store.deliveries.setCursor(name, result.cursor);
  return { applied, problems: result.problems };
}
