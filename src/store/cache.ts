/**
 * A small read-through cache for the catalogue (jurisdictions, services),
 * which every Open311 request reads and which changes rarely. Without it a
 * POST costs three extra queries before its insert (see docs/decisions/0041).
 *
 * An entry is trusted while all of these hold:
 * - it is younger than `ttlMs` (a bound on staleness for writes made by
 *   another process on PostgreSQL);
 * - no write went through this cache since (in-process writes are exact);
 * - `externalVersion()` is unchanged (SQLite's `PRAGMA data_version`, which
 *   moves when another connection commits: other processes are exact too).
 */
export interface CacheOptions {
  ttlMs: number;
  externalVersion?: () => number;
}

interface Entry {
  at: number;
  version: number;
  value: Promise<unknown>;
}

/** More entries than any council's catalogue needs; past it the cache starts again. */
const MAX_ENTRIES = 10_000;

export function catalogueCache({ ttlMs, externalVersion }: CacheOptions) {
  const entries = new Map<string, Entry>();
  const version = () => externalVersion?.() ?? 0;

  function memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && now - hit.at < ttlMs && hit.version === version()) return hit.value as Promise<T>;
    // Keys come from clients (any service_code): bound the map so unknown codes cannot grow it without end.
    if (entries.size >= MAX_ENTRIES) entries.clear();
    // The promise is cached, so a burst of misses shares one query.
    const value = load();
    const entry = { at: now, version: version(), value };
    entries.set(key, entry);
    value.catch(() => entries.get(key) === entry && entries.delete(key));
    return value;
  }

  /**
   * Wraps one part of the store. Methods named in `reads` are cached under
   * the key they return; every other method (writes, and any added later) is
   * passed through and clears the cache once it has finished.
   */
  function wrap<T extends object>(name: string, part: T, reads: { [K in keyof T]?: (...args: any[]) => string }): T {
    if (ttlMs <= 0) return part;
    const out: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(part)) {
      if (typeof fn !== 'function') {
        out[method] = fn;
        continue;
      }
      const keyOf = reads[method as keyof T];
      out[method] = keyOf
        ? (...args: unknown[]) => memo(`${name}.${method}:${keyOf(...args)}`, () => fn.apply(part, args))
        : async (...args: unknown[]) => {
            try {
              return await fn.apply(part, args);
            } finally {
              entries.clear();
            }
          };
    }
    return out as T;
  }

  return { wrap, clear: () => entries.clear() };
}
