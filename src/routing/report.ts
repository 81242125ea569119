import type { Store } from '../core/store.ts';
import { ownsRequest, type BackendEvent, type Delivery } from '../core/delivery/outbox.ts';
import { CLOSED_STATUSES, isStatus } from '../core/statuses.ts';
import type { RouteChange, Route } from '../core/routing/route.ts';

export interface BackendFigures {
  backend: string;
  roles: string[];
  jobs: number;
  delivered: number;
  pending: number;
  dead: number;
  /** Time from accepted to delivered. */
  deliveryMs: { p50: number | null; p99: number | null };
  /** Requests this back-end reported any status for, and closed. */
  withStatus: number;
  closed: number;
  /** Time from accepted to the back-end's first closing status. */
  timeToCloseMs: { p50: number | null };
  unknownCodes: Record<string, number>;
  /**
   * Requests the back-end may hold twice: flagged by the adapter (sent again
   * where it could not look first, or several matching cases found), or one
   * reference held by two requests.
   */
  suspectedDuplicates: number;
  /** Delivered, but the back-end's reference is not known yet (a 2xx that could not be read). */
  referenceUnknown: number;
}

export interface Divergence {
  requestId: string;
  kind: 'delivery' | 'status' | 'closed';
  owner: { backend: string; state: string; status?: string };
  shadow: { backend: string; state: string; status?: string };
}

export interface MigrationReport {
  jurisdictionId: string;
  serviceCode: string;
  since: Date;
  route?: Omit<Route, 'updatedAt'> & { updatedAt: string };
  changes: RouteChange[];
  requests: number;
  /** Requests with no owning delivery job: must be 0. */
  withoutOwner: number;
  backends: BackendFigures[];
  divergences: { total: number; delivery: number; status: number; closed: number; examples: Divergence[] };
  /** Delivery latency over time, per back-end: the median of the jobs delivered in each interval, by when they were accepted. */
  latency: LatencySeries[];
}

export interface LatencySeries {
  backend: string;
  points: { at: string; p50Ms: number; count: number }[];
}

/** At most `buckets` intervals over the time the jobs span (never shorter than a second), each with its median latency. */
export function latencyOverTime(jobs: Delivery[], buckets = 30): LatencySeries[] {
  const done = jobs.filter((j) => j.deliveredAt);
  if (!done.length) return [];
  const start = Math.min(...done.map((j) => j.createdAt.getTime()));
  const end = Math.max(...done.map((j) => j.createdAt.getTime()));
  const width = Math.max(1000, Math.ceil((end - start + 1) / buckets));
  const by = new Map<string, Map<number, number[]>>();
  for (const j of done) {
    const b = Math.floor((j.createdAt.getTime() - start) / width);
    const series = by.get(j.backend) ?? new Map<number, number[]>();
    series.set(b, [...(series.get(b) ?? []), j.deliveredAt!.getTime() - j.createdAt.getTime()]);
    by.set(j.backend, series);
  }
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([backend, series]) => ({
    backend,
    points: [...series].sort(([a], [b]) => a - b).map(([b, ms]) => ({ at: new Date(start + b * width).toISOString(), p50Ms: pct(ms.sort((x, y) => x - y), 50)!, count: ms.length })),
  }));
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);

/**
 * What a council needs to decide a migration step for one service: per
 * back-end, how many requests it got and delivered, how fast, how far their
 * statuses went, and where the shadow and the owner disagree (one delivered
 * and the other not, a different latest status, one closed and the other not).
 */
export async function migrationReport(store: Store, jurisdictionId: string, serviceCode: string, since: Date): Promise<MigrationReport> {
  const jobs = (await store.deliveries.forService(jurisdictionId, serviceCode, since)).filter((d) => d.kind === 'request');
  const requestIds = [...new Set(jobs.map((j) => j.requestId))];
  const events: BackendEvent[] = [];
  for (let i = 0; i < requestIds.length; i += 500) {
    events.push(...(await store.deliveries.events({ requestIds: requestIds.slice(i, i + 500), limit: 1_000_000 })));
  }
  const eventsOf = new Map<string, BackendEvent[]>();
  for (const e of events) eventsOf.set(`${e.requestId}\0${e.backend}`, [...(eventsOf.get(`${e.requestId}\0${e.backend}`) ?? []), e]);
  // The owner's status is the request's public one (for the built-in store, staff set it); a shadow's is what it reported.
  const publicStatus = new Map<string, { status: string; updatedAt: Date }>();
  for (let i = 0; i < requestIds.length; i += 500) {
    const page = await store.requests.search({ jurisdictionId, ids: requestIds.slice(i, i + 500), page: 1, pageSize: 500 });
    for (const r of page) publicStatus.set(r.id, { status: r.status, updatedAt: r.updatedAt });
  }
  const reported = (j: Delivery) => (eventsOf.get(`${j.requestId}\0${j.backend}`) ?? []).filter((e) => e.known && isStatus(e.status));
  const latest = (j: Delivery) => {
    if (ownsRequest(j.role)) return publicStatus.get(j.requestId)?.status;
    const known = reported(j);
    return known.length ? known[known.length - 1].status : undefined;
  };
  const closedAt = (j: Delivery) => {
    const byReport = reported(j).find((e) => CLOSED_STATUSES.has(e.status as never))?.at;
    if (byReport || !ownsRequest(j.role)) return byReport;
    const p = publicStatus.get(j.requestId);
    return p && CLOSED_STATUSES.has(p.status as never) ? p.updatedAt : undefined;
  };

  const byBackend = new Map<string, Delivery[]>();
  for (const j of jobs) byBackend.set(j.backend, [...(byBackend.get(j.backend) ?? []), j]);
  const backends: BackendFigures[] = [...byBackend].map(([backend, js]) => {
    const latencies = js.filter((j) => j.deliveredAt).map((j) => j.deliveredAt!.getTime() - j.createdAt.getTime()).sort((a, b) => a - b);
    const closes = js.flatMap((j) => {
      const at = closedAt(j);
      return at ? [at.getTime() - j.createdAt.getTime()] : [];
    });
    const unknownCodes: Record<string, number> = {};
    for (const j of js) for (const e of eventsOf.get(`${j.requestId}\0${backend}`) ?? []) if (!e.known) unknownCodes[e.externalCode] = (unknownCodes[e.externalCode] ?? 0) + 1;
    return {
      backend,
      roles: [...new Set(js.map((j) => j.role))].sort(),
      jobs: js.length,
      delivered: js.filter((j) => j.state === 'delivered').length,
      pending: js.filter((j) => j.state === 'pending' || j.state === 'in_flight').length,
      dead: js.filter((j) => j.state === 'dead').length,
      deliveryMs: { p50: pct(latencies, 50), p99: pct(latencies, 99) },
      withStatus: js.filter((j) => latest(j) && latest(j) !== 'open').length,
      closed: js.filter((j) => closedAt(j)).length,
      timeToCloseMs: { p50: pct(closes.sort((a, b) => a - b), 50) },
      unknownCodes,
      suspectedDuplicates: suspects(js),
      referenceUnknown: js.filter((j) => j.state === 'delivered' && !j.externalRef).length,
    };
  });

  const divergences: Divergence[] = [];
  let withoutOwner = 0;
  const byRequest = new Map<string, Delivery[]>();
  for (const j of jobs) byRequest.set(j.requestId, [...(byRequest.get(j.requestId) ?? []), j]);
  for (const [requestId, js] of byRequest) {
    const owner = js.find((j) => ownsRequest(j.role));
    if (!owner) {
      withoutOwner++;
      continue;
    }
    for (const shadow of js.filter((j) => j.role === 'shadow')) {
      const o = { backend: owner.backend, state: owner.state, status: latest(owner) };
      const s = { backend: shadow.backend, state: shadow.state, status: latest(shadow) };
      if ((owner.state === 'delivered') !== (shadow.state === 'delivered')) divergences.push({ requestId, kind: 'delivery', owner: o, shadow: s });
      else if (!!closedAt(owner) !== !!closedAt(shadow)) divergences.push({ requestId, kind: 'closed', owner: o, shadow: s });
      else if (o.status && s.status && o.status !== s.status) divergences.push({ requestId, kind: 'status', owner: o, shadow: s });
    }
  }
  const route = await store.routing.get(jurisdictionId, serviceCode);
  return {
    jurisdictionId,
    serviceCode,
    since,
    route: route && { ...route, updatedAt: route.updatedAt.toISOString() },
    changes: await store.routing.changes({ jurisdictionId, serviceCode, limit: 20 }),
    requests: requestIds.length,
    withoutOwner,
    backends,
    divergences: {
      total: divergences.length,
      delivery: divergences.filter((d) => d.kind === 'delivery').length,
      status: divergences.filter((d) => d.kind === 'status').length,
      closed: divergences.filter((d) => d.kind === 'closed').length,
      examples: divergences.slice(0, 20),
    },
    latency: latencyOverTime(jobs),
  };
}

/** Jobs flagged as possible duplicates, plus those sharing one reference with another job of the same back-end. */
function suspects(js: Delivery[]): number {
  const byRef = new Map<string, number>();
  for (const j of js) if (j.externalRef) byRef.set(j.externalRef, (byRef.get(j.externalRef) ?? 0) + 1);
  return js.filter((j) => j.suspectDuplicate || (j.externalRef && byRef.get(j.externalRef)! > 1)).length;
}
