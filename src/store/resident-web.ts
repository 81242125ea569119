import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Store } from '../core/store.ts';
import { boxAround, metresBetween } from '../core/requests/nearby.ts';
import { requestFromRow } from './rows.ts';

export function residentWebStore(db: Kysely<Database>): Store['residentWeb'] {
  return {
    async referenceSecret() {
      const row = await db.selectFrom('reference_secret').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
      return { secret: row.secret, numericUntil: Number(row.numeric_until) };
    },
    async nearby(q) {
      const box = boxAround(q, q.metres);
      let query = db.selectFrom('service_requests').selectAll()
        .where('jurisdiction_id', '=', q.jurisdictionId).where('service_code', '=', q.serviceCode)
        .where('lat', '>=', box.minLat).where('lat', '<=', box.maxLat)
        .where('long', '>=', box.minLong).where('long', '<=', box.maxLong)
        // Anonymised reports have lost their exact place; they are not "near" anything.
        .where('anonymised_at', 'is', null);
      if (q.closed.length) query = query.where('status', 'not in', q.closed);
      const rows = await query.orderBy('requested_at', 'desc').limit(200).execute();
      return rows
        .map((r) => ({ request: requestFromRow(r), metres: metresBetween(q, { lat: Number(r.lat), long: Number(r.long) }) }))
        .filter((n) => n.metres <= q.metres)
        .sort((a, b) => a.metres - b.metres)
        .slice(0, q.limit);
    },
  };
}
