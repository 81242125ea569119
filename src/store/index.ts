import { sql } from 'kysely';
import type { Store } from '../core/store.ts';
import { DatabaseError, connect, migrate, safeUrl, schemaState } from './connect.ts';
import { jurisdictionStore, serviceStore } from './catalogue.ts';
import { requestStore } from './requests.ts';
import { apiKeyStore, mediaStore } from './keys.ts';
import { deliveryStore } from './deliveries.ts';
import { routingStore } from './routing.ts';
import { patternStore } from './patterns.ts';
import { webSessionStore } from './web-sessions.ts';
import { recordsStore } from './records.ts';
import { erasureStore } from './erasures.ts';
import { messageTemplateStore } from './message-templates.ts';
import { replyTemplateStore } from './reply-templates.ts';
import { catalogueCache } from './cache.ts';
import { SecretKeyError, keyring } from '../core/secrets.ts';
import { eventStore } from './events.ts';
import { notificationStore } from './notifications.ts';
import { joinerStore } from './joiners.ts';
import { subscriptionStore } from './subscriptions.ts';
import { staffStore } from './staff.ts';
import { staffQueueStore } from './staff-queue.ts';
import { directoryStore } from './directory.ts';
import { addressStore } from './addresses.ts';
import { residentWebStore } from './resident-web.ts';
import { rateLimitStore } from './rate-limits.ts';
import { catalogueNotices } from './postgres/catalogue-notices.ts';
import { patternSharingStore } from './pattern-sharing.ts';
import { councilStore } from './councils.ts';

export { DatabaseError, connect, migrate, safeUrl, schemaState };

/**
 * Opens the store named by a DATABASE_URL and brings its schema up to date.
 *
 * @example const store = await openStore('sqlite:./data/pipework.db');
 */
export async function openStore(
  databaseUrl: string,
  options: {
    migrate?: boolean;
    /** How long catalogue reads are trusted; 0 turns the cache off. */
    catalogueCacheMs?: number;
    /** PIPEWORK_SECRET_KEY and any previous keys: back-end secrets are sealed with the first. */
    secretKey?: string;
    previousSecretKeys?: string[];
  } = {},
): Promise<Store & { db: ReturnType<typeof connect>['db']; migrationsRun: string[] }> {
  let connection;
  try {
    connection = connect(databaseUrl);
  } catch (err) {
    throw new DatabaseError(`Cannot open the database named by DATABASE_URL (${safeUrl(databaseUrl)}): ${(err as Error).message}`);
  }
  const { db, dialect, dataVersion, requestWriter } = connection;
  // SQLite sees other connections' commits in data_version; PostgreSQL is told by notices (migration 0021).
  let notices: ReturnType<typeof catalogueNotices> | undefined;
  const externalVersion = dataVersion ?? (() => notices?.version() ?? 0);
  const cache = catalogueCache({ ttlMs: options.catalogueCacheMs ?? 1000, externalVersion });
  let migrationsRun: string[] = [];
  const keys = keyring(options.secretKey || undefined, options.previousSecretKeys);
  const routing = routingStore(db, keys);
  const sharing = patternSharingStore(db, keys);
  try {
    if (options.migrate !== false) {
      migrationsRun = await migrate(db, databaseUrl);
      // Refuse to start rather than fail each delivery later: every sealed secret must open with the keys given.
      await Promise.all([routing.backends(), sharing.keys()]).catch((err) => {
        throw err instanceof SecretKeyError ? new DatabaseError(`Cannot start: ${err.message}`) : err;
      });
    }
  } catch (err) {
    await requestWriter?.close();
    await db.destroy().catch(() => {});
    throw err;
  }
  if (dialect === 'postgres') notices = catalogueNotices(databaseUrl);
  return {
    db,
    dialect,
    migrationsRun,
    schemaState: () => schemaState(db, databaseUrl),
    jurisdictions: cache.wrap('jurisdictions', jurisdictionStore(db), { list: () => '' }),
    // Every resident page reads its council by host: cached like the catalogue, and any write here clears both.
    councils: cache.wrap('councils', councilStore(db), { list: () => '', get: (id: string) => id, byHost: (h: string) => h }),
    services: cache.wrap('services', serviceStore(db), { list: (j: string) => j, get: (j: string, code: string) => `${j}\0${code}` }),
    requests: requestStore(db, requestWriter?.write),
    deliveries: deliveryStore(db, dialect),
    // routeFor is read by every new request; route changes made here clear it at once.
    // Every read is named, so the relay's once-a-second back-end lookups do not empty the catalogue cache.
    routing: cache.wrap('routing', routing, {
      routeFor: (j: string, code: string) => `${j}\0${code}`,
      get: (j: string, code: string) => `${j}\0${code}`,
      list: (j?: string) => j ?? '',
      changes: (f: object) => JSON.stringify(f),
      backends: () => '',
      backend: (name: string) => name,
    }),
    patterns: patternStore(db),
    patternSharing: sharing,
    events: eventStore(db, dialect),
    subscriptions: subscriptionStore(db, keys),
    notifications: notificationStore(db, dialect),
    joiners: joinerStore(db),
    apiKeys: apiKeyStore(db),
    media: mediaStore(db),
    webSessions: webSessionStore(db),
    records: recordsStore(db),
    erasures: erasureStore(db),
    messageTemplates: messageTemplateStore(db),
    replyTemplates: replyTemplateStore(db),
    staff: staffStore(db, dialect),
    staffQueue: staffQueueStore(db),
    directory: directoryStore(db),
    addresses: addressStore(db),
    residentWeb: residentWebStore(db),
    rateLimits: dialect === 'postgres' ? rateLimitStore(db) : undefined,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await notices?.close();
      await requestWriter?.close();
      await db.destroy();
    },
  };
}
