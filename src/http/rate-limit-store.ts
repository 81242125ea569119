import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateLimitCounter } from '../core/store.ts';

/**
 * @fastify/rate-limit's store over the store's shared counter, so a limit
 * holds across every process and machine on one PostgreSQL database rather
 * than per process. Each route's limit is its own window (the key names it).
 */
export function sharedRateLimits(counter: RateLimitCounter): FastifyRateLimitOptions {
  const storeFor = (scope: string): FastifyRateLimitStore => ({
    incr(key, callback, timeWindow?: number) {
      const windowMs = timeWindow ?? 60_000;
      counter.hit(`${scope}|${key}`, windowMs, new Date()).then(
        ({ hits, resetAt }) => callback(null, { current: hits, ttl: Math.max(0, resetAt.getTime() - Date.now()) }),
        (err: Error) => callback(err),
      );
    },
    // The plugin hands each route's options with the route under `routeInfo`.
    child: (params) => {
      const route = (params as unknown as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo;
      return storeFor(`${route?.method ?? ''} ${route?.url ?? ''}`);
    },
  });
  const ctor = function SharedStore() {
    return storeFor('global');
  } as unknown as FastifyRateLimitStoreCtor;
  // A database that cannot count fails the request's own reads and writes too; the limit does not add an error of its own.
  return { store: ctor, skipOnError: true };
}
