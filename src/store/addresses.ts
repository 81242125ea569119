import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { Address, AddressStore } from '../core/addresses/address.ts';
import { postcodeKey, streetKey } from '../core/addresses/address.ts';

const fromRow = (r: Selectable<Database['addresses']>): Address => ({
  uprn: r.uprn, address: r.address, street: r.street, town: r.town, postcode: r.postcode,
  easting: Number(r.easting), northing: Number(r.northing), lat: Number(r.lat), long: Number(r.long),
});

// Keeps each INSERT under SQLite's 32,766 bound parameters (11 columns a row).
const CHUNK = 500;

export function addressStore(db: Kysely<Database>): AddressStore {
  return {
    async byPostcode(postcode, limit) {
      const rows = await db.selectFrom('addresses').selectAll().where('postcode_key', '=', postcodeKey(postcode)).orderBy('street_key').orderBy('address').limit(limit).execute();
      return rows.map(fromRow);
    },
    async byStreet(text, limit) {
      const key = streetKey(text);
      if (!key) return [];
      // A prefix on the indexed key: "high st" → street_key >= 'high street' and < 'high street\uffff'.
      const rows = await db.selectFrom('addresses').selectAll()
        .where('street_key', '>=', key).where('street_key', '<', `${key}\uffff`)
        .orderBy('street_key').orderBy('address').limit(limit).execute();
      return rows.map(fromRow);
    },
    async byUprn(uprn) {
      const row = await db.selectFrom('addresses').selectAll().where('uprn', '=', uprn).executeTakeFirst();
      return row && fromRow(row);
    },
    async put(addresses) {
      if (!addresses.length) return 0;
      await db.transaction().execute(async (tx) => {
        for (let i = 0; i < addresses.length; i += CHUNK) {
          const values = addresses.slice(i, i + CHUNK).map((a) => ({ ...a, postcode_key: postcodeKey(a.postcode), street_key: streetKey(a.street) }));
          await tx.insertInto('addresses').values(values).onConflict((oc) => oc.column('uprn').doUpdateSet((eb) => ({
            address: eb.ref('excluded.address'), street: eb.ref('excluded.street'), town: eb.ref('excluded.town'), postcode: eb.ref('excluded.postcode'),
            postcode_key: eb.ref('excluded.postcode_key'), street_key: eb.ref('excluded.street_key'), easting: eb.ref('excluded.easting'),
            northing: eb.ref('excluded.northing'), lat: eb.ref('excluded.lat'), long: eb.ref('excluded.long'),
          }))).execute();
        }
      });
      return addresses.length;
    },
    async count() {
      const row = await db.selectFrom('addresses').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async clear() {
      await db.deleteFrom('addresses').execute();
    },
  };
}
