import { sql } from 'kysely';
import type { Store } from '../core/store.ts';
import { connect, migrate } from './connect.ts';
import { jurisdictionStore, serviceStore } from './catalogue.ts';
import { requestStore } from './requests.ts';
import { apiKeyStore, mediaStore } from './keys.ts';
import { deliveryStore } from './deliveries.ts';
import { routingStore } from './routing.ts';
import { patternStore } from './patterns.ts';
import { webSessionStore } from './web-sessions.ts';
import { catalogueCache } from './cache.ts';
import { directoryStore } from './directory.ts';

export { connect, migrate };

/**
 * Opens the store named by a DATABASE_URL and brings its schema up to date.
 *
 * @example const store = await openStore('sqlite:./data/pipework.db');
 */
export async function openStore(
  databaseUrl: string,
  options: { migrate?: boolean; /** How long catalogue reads are trusted; 0 turns the cache off. */ catalogueCacheMs?: number } = {},
): Promise<Store & { db: ReturnType<typeof connect>['db'] }> {
  const { db, dialect, dataVersion } = connect(databaseUrl);
  const cache = catalogueCache({ ttlMs: options.catalogueCacheMs ?? 1000, externalVersion: dataVersion });
  if (options.migrate !== false) await migrate(db);
  return {
    db,
    dialect,
    jurisdictions: cache.wrap('jurisdictions', jurisdictionStore(db), { list: () => '' }),
    services: cache.wrap('services', serviceStore(db), { list: (j: string) => j, get: (j: string, code: string) => `${j}\0${code}` }),
    requests: requestStore(db),
    deliveries: deliveryStore(db, dialect),
    // routeFor is read by every new request; route changes made here clear it at once.
    // Every read is named, so the relay's once-a-second back-end lookups do not empty the catalogue cache.
    routing: cache.wrap('routing', routingStore(db), {
      routeFor: (j: string, code: string) => `${j}\0${code}`,
      get: (j: string, code: string) => `${j}\0${code}`,
      list: (j?: string) => j ?? '',
      changes: (f: object) => JSON.stringify(f),
      backends: () => '',
      backend: (name: string) => name,
    }),
    patterns: patternStore(db),
    apiKeys: apiKeyStore(db),
    media: mediaStore(db),
    webSessions: webSessionStore(db),
    directory: directoryStore(db),
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}
