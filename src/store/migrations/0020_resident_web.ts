import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * The resident web's second round:
 * - `reference_secret`: one row, the key that turns request ids into resident
 *   references, and the highest id made before references existed (those
 *   numbers, already given to residents, still find their reports on /track).
 * - `addresses`: a council's gazetteer (LLPG / AddressBase-style extract),
 *   looked up by postcode or street; OSGB36 easting/northing and WGS84 lat/long.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reference_secret')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('numeric_until', 'bigint', (c) => c.notNull())
    .execute();
  const max = await sql<{ n: number | string | null }>`select max(id) as n from service_requests`.execute(db);
  await db
    .insertInto('reference_secret')
    .values({ id: 1, secret: randomBytes(32).toString('base64url'), numeric_until: Number(max.rows[0]?.n ?? 0) })
    .execute();

  await db.schema
    .createTable('addresses')
    .addColumn('uprn', 'text', (c) => c.primaryKey())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('street', 'text', (c) => c.notNull())
    .addColumn('town', 'text', (c) => c.notNull())
    .addColumn('postcode', 'text', (c) => c.notNull())
    // Postcode without spaces, upper case; street lower case: what lookups compare.
    .addColumn('postcode_key', 'text', (c) => c.notNull())
    .addColumn('street_key', 'text', (c) => c.notNull())
    .addColumn('easting', 'double precision', (c) => c.notNull())
    .addColumn('northing', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('long', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('addresses_postcode').on('addresses').column('postcode_key').execute();
  await db.schema.createIndex('addresses_street').on('addresses').column('street_key').execute();
  // Nearby open reports of one service: by service, then a box of latitude.
  await db.schema.createIndex('service_requests_nearby').on('service_requests').columns(['jurisdiction_id', 'service_code', 'lat']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_requests_nearby').execute();
  await db.schema.dropTable('addresses').execute();
  await db.schema.dropTable('reference_secret').execute();
}
