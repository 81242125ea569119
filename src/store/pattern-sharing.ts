import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { FeedRefusal, FeedSubscription, PatternKey, PatternSharingStore, SeenVersion } from '../core/patterns/sharing.ts';
import { keyring as noKeys, type Keyring } from '../core/secrets.ts';

type SubRow = Selectable<Database['pattern_subscriptions']>;
type SeenRow = Selectable<Database['pattern_seen_versions']>;
const date = (v: number | string | null) => (v === null ? undefined : new Date(Number(v)));

const subFrom = (r: SubRow): FeedSubscription => ({
  id: r.id,
  jurisdictionId: r.jurisdiction_id,
  url: r.url,
  publishers: JSON.parse(r.publishers),
  createdAt: new Date(Number(r.created_at)),
  lastFetchedAt: date(r.last_fetched_at),
  lastOkAt: date(r.last_ok_at),
  lastError: r.last_error ?? undefined,
});

const seenFrom = (r: SeenRow): SeenVersion => ({
  subscriptionId: r.subscription_id,
  publisherId: r.publisher_id,
  publisherName: r.publisher_name,
  id: r.id,
  version: r.version,
  licence: r.licence,
  publishedAt: r.published_at,
  document: JSON.parse(r.document),
  digest: r.digest,
  signature: r.signature,
  keyId: r.key_id,
  url: r.url,
  running: !!Number(r.running),
  firstSeenAt: new Date(Number(r.first_seen_at)),
});

export function patternSharingStore(db: Kysely<Database>, keys: Keyring = noKeys()): PatternSharingStore {
  const keyFrom = (r: Selectable<Database['pattern_keys']>): PatternKey => ({
    jurisdictionId: r.jurisdiction_id,
    keyId: r.key_id,
    publicKey: r.public_key,
    // Sealed at rest under PIPEWORK_SECRET_KEY, like back-end secrets (decision 0045).
    privateKey: keys.open(r.private_key),
    createdAt: new Date(Number(r.created_at)),
  });
  const subscription = async (id: string) => {
    const r = await db.selectFrom('pattern_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    return r && subFrom(r);
  };
  return {
    async key(j) {
      const r = await db.selectFrom('pattern_keys').selectAll().where('jurisdiction_id', '=', j).executeTakeFirst();
      return r && keyFrom(r);
    },
    async createKey(k) {
      const r = await db
        .insertInto('pattern_keys')
        .values({ jurisdiction_id: k.jurisdictionId, key_id: k.keyId, public_key: k.publicKey, private_key: keys.seal(k.privateKey), created_at: k.createdAt.getTime() })
        .onConflict((oc) => oc.column('jurisdiction_id').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async keys() {
      return (await db.selectFrom('pattern_keys').selectAll().orderBy('jurisdiction_id').execute()).map(keyFrom);
    },
    async resealKeys() {
      const rows = await db.selectFrom('pattern_keys').select(['jurisdiction_id', 'private_key']).execute();
      for (const r of rows) await db.updateTable('pattern_keys').set({ private_key: keys.seal(keys.open(r.private_key)) }).where('jurisdiction_id', '=', r.jurisdiction_id).execute();
      return rows.length;
    },
    async subscribe(s) {
      await db
        .insertInto('pattern_subscriptions')
        .values({ id: s.id, jurisdiction_id: s.jurisdictionId, url: s.url, publishers: '{}', created_at: s.at.getTime(), last_fetched_at: null, last_ok_at: null, last_error: null })
        .onConflict((oc) => oc.columns(['jurisdiction_id', 'url']).doNothing())
        .execute();
      const r = await db.selectFrom('pattern_subscriptions').selectAll().where('jurisdiction_id', '=', s.jurisdictionId).where('url', '=', s.url).executeTakeFirstOrThrow();
      return subFrom(r);
    },
    async subscriptions(j) {
      let q = db.selectFrom('pattern_subscriptions').selectAll();
      if (j) q = q.where('jurisdiction_id', '=', j);
      return (await q.orderBy('created_at').orderBy('id').execute()).map(subFrom);
    },
    subscription,
    async unsubscribe(id) {
      // Versions already seen stay: services adopted from them keep their provenance.
      const r = await db.deleteFrom('pattern_subscriptions').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async pinPublisher(id, publisherId, publicKey, expected) {
      const r = await db
        .updateTable('pattern_subscriptions')
        .set({ publishers: JSON.stringify({ ...expected, [publisherId]: publicKey }) })
        .where('id', '=', id)
        .where('publishers', '=', JSON.stringify(expected))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async recordFetch(id, at, error) {
      await db
        .updateTable('pattern_subscriptions')
        .set(error === undefined ? { last_fetched_at: at.getTime(), last_ok_at: at.getTime(), last_error: null } : { last_fetched_at: at.getTime(), last_error: error.slice(0, 1000) })
        .where('id', '=', id)
        .execute();
    },
    async addSeen(v) {
      const r = await db
        .insertInto('pattern_seen_versions')
        .values({
          subscription_id: v.subscriptionId, publisher_id: v.publisherId, publisher_name: v.publisherName, id: v.id, version: v.version,
          licence: v.licence, published_at: v.publishedAt, document: JSON.stringify(v.document), digest: v.digest, signature: v.signature,
          key_id: v.keyId, url: v.url, running: v.running ? 1 : 0, first_seen_at: v.firstSeenAt.getTime(),
        })
        .onConflict((oc) => oc.columns(['subscription_id', 'publisher_id', 'id', 'version']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0 ? 'added' : 'exists';
    },
    async seen(sub, publisherId, id, version) {
      const r = await db
        .selectFrom('pattern_seen_versions')
        .selectAll()
        .where('subscription_id', '=', sub)
        .where('publisher_id', '=', publisherId)
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      return r && seenFrom(r);
    },
    async setRunning(sub, publisherId, running) {
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('pattern_seen_versions').set({ running: 0 }).where('subscription_id', '=', sub).where('publisher_id', '=', publisherId).execute();
        for (const r of running) {
          await tx
            .updateTable('pattern_seen_versions')
            .set({ running: 1 })
            .where('subscription_id', '=', sub)
            .where('publisher_id', '=', publisherId)
            .where('id', '=', r.id)
            .where('version', '=', r.version)
            .execute();
        }
      });
    },
    async seenVersions(f) {
      let q = db
        .selectFrom('pattern_seen_versions as v')
        .innerJoin('pattern_subscriptions as s', 's.id', 'v.subscription_id')
        .selectAll('v')
        .where('s.jurisdiction_id', '=', f.jurisdictionId);
      if (f.subscriptionId) q = q.where('v.subscription_id', '=', f.subscriptionId);
      if (f.publisherId) q = q.where('v.publisher_id', '=', f.publisherId);
      if (f.id) q = q.where('v.id', '=', f.id);
      // Versions seen in one fetch share a first_seen_at: publication time, then the version, keep the order the same every time.
      return (await q.orderBy('v.publisher_id').orderBy('v.id').orderBy('v.first_seen_at').orderBy('v.published_at').orderBy('v.version').execute()).map(seenFrom);
    },
    async refuse(r) {
      const at = r.at.getTime();
      await db
        .insertInto('pattern_feed_refusals')
        .values({ subscription_id: r.subscriptionId, ref: r.ref, reason: r.reason, detail: r.detail.slice(0, 1000), first_at: at, last_at: at, count: 1 })
        .onConflict((oc) =>
          oc.columns(['subscription_id', 'ref', 'reason']).doUpdateSet((eb) => ({ last_at: at, detail: r.detail.slice(0, 1000), count: eb('pattern_feed_refusals.count', '+', 1) })),
        )
        .execute();
    },
    async refusals(j) {
      const rows = await db
        .selectFrom('pattern_feed_refusals as r')
        .innerJoin('pattern_subscriptions as s', 's.id', 'r.subscription_id')
        .selectAll('r')
        .where('s.jurisdiction_id', '=', j)
        .orderBy('r.last_at', 'desc')
        .execute();
      return rows.map(
        (r): FeedRefusal => ({
          subscriptionId: r.subscription_id, ref: r.ref, reason: r.reason as FeedRefusal['reason'], detail: r.detail,
          firstAt: new Date(Number(r.first_at)), lastAt: new Date(Number(r.last_at)), count: Number(r.count),
        }),
      );
    },
  };
}
