import type { RequestQuery } from '../../src/core/store.ts';
import { STATUSES, type Status } from '../../src/core/statuses.ts';

const DAY = 86_400_000;

/** A small seeded PRNG (mulberry32): the same seed gives the same parameter sets on every run. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)];
  const some = <T>(xs: readonly T[], n: number) => [...xs].sort(() => next() - 0.5).slice(0, n);
  return { next, int, pick, some };
}

export interface SearchSpace {
  jurisdictionId: string;
  serviceCodes: string[];
  /** Requests are spread over [from, to]; windows are drawn inside it. */
  from: number;
  to: number;
  /** Highest request id, for id lookups. */
  maxId: number;
}

/**
 * Random GET requests filters, covering every combination the endpoint
 * supports: ids; service codes (one, a few, all); statuses (common, rare,
 * many); date windows from a day to the 90-day maximum, recent or old; and
 * pages 1–5 of 10–100 rows. Used by the plan-guard test and the benchmark.
 */
export function randomSearches(space: SearchSpace, count: number, seed = 311): RequestQuery[] {
  const r = prng(seed);
  const out: RequestQuery[] = [];
  for (let k = 0; k < count; k++) {
    const pageSize = r.pick([10, 20, 50, 100]);
    const page = r.next() < 0.7 ? 1 : r.int(2, 5);
    const base = { jurisdictionId: space.jurisdictionId, page, pageSize };
    if (r.next() < 0.1) {
      const ids = Array.from({ length: r.int(1, 20) }, () => String(r.int(1, space.maxId)));
      out.push({ ...base, ids });
      continue;
    }
    const nCodes = r.pick([0, 0, 1, 1, 2, 3, space.serviceCodes.length]);
    const nStatuses = r.pick([0, 0, 1, 1, 2, 4, 8, STATUSES.length]);
    const days = r.pick([1, 7, 30, 90]);
    // Mostly the recent window (what clients poll), sometimes an old one.
    const to = r.next() < 0.6 ? space.to : r.int(space.from + days * DAY, space.to);
    out.push({
      ...base,
      serviceCodes: nCodes ? r.some(space.serviceCodes, nCodes) : undefined,
      statuses: nStatuses ? (r.some(STATUSES, nStatuses) as Status[]) : undefined,
      from: new Date(to - days * DAY),
      to: new Date(to),
    });
  }
  return out;
}
