import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { RateLimitCounter } from '../core/store.ts';

/** Windows untouched this long are removed (every limit's window is shorter). */
const KEEP_MS = 24 * 3600_000;
const PURGE_EVERY = 1000;

/**
 * Fixed windows in one row per key: one upsert counts the hit and starts a
 * new window when the old one has ended, atomically, so two processes
 * counting the same key at once both count.
 */
export function rateLimitStore(db: Kysely<Database>): RateLimitCounter {
  let sincePurge = 0;
  return {
    async hit(key, windowMs, now) {
      const t = now.getTime();
      const ended = sql<boolean>`rate_limit_windows.window_start + ${windowMs} <= ${t}`;
      const row = await db
        .insertInto('rate_limit_windows')
        .values({ key, window_start: t, hits: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            hits: sql`CASE WHEN ${ended} THEN 1 ELSE rate_limit_windows.hits + 1 END`,
            window_start: sql`CASE WHEN ${ended} THEN ${t} ELSE rate_limit_windows.window_start END`,
          }),
        )
        .returning(['hits', 'window_start'])
        .executeTakeFirstOrThrow();
      if (++sincePurge >= PURGE_EVERY) {
        sincePurge = 0;
        await db.deleteFrom('rate_limit_windows').where('window_start', '<', t - KEEP_MS).execute();
      }
      return { hits: Number(row.hits), resetAt: new Date(Number(row.window_start) + windowMs) };
    },
  };
}
