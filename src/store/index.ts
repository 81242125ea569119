import { sql } from 'kysely';
import type { Store } from '../core/store.ts';
import { connect, migrate } from './connect.ts';
import { jurisdictionStore, serviceStore } from './catalogue.ts';
import { requestStore } from './requests.ts';
import { apiKeyStore, mediaStore } from './keys.ts';
import { deliveryStore } from './deliveries.ts';
import { routingStore } from './routing.ts';
import { webSessionStore } from './web-sessions.ts';

export { connect, migrate };

/**
 * Opens the store named by a DATABASE_URL and brings its schema up to date.
 *
 * @example const store = await openStore('sqlite:./data/pipework.db');
 */
export async function openStore(databaseUrl: string, options: { migrate?: boolean } = {}): Promise<Store & { db: ReturnType<typeof connect>['db'] }> {
  const { db, dialect } = connect(databaseUrl);
  if (options.migrate !== false) await migrate(db);
  return {
    db,
    dialect,
    jurisdictions: jurisdictionStore(db),
    services: serviceStore(db),
    requests: requestStore(db),
    deliveries: deliveryStore(db, dialect),
    routing: routingStore(db),
    apiKeys: apiKeyStore(db),
    media: mediaStore(db),
    webSessions: webSessionStore(db),
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
