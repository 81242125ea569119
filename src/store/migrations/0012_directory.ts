import type { Kysely } from 'kysely';

/**
 * The Open Referral UK directory (src/standards/openreferral/): organisations,
 * services, locations, the services offered at each location, contacts,
 * schedules, taxonomies, their terms and the attributes that link terms to
 * services. Each row keeps its ORUK fields as given (`fields`, JSON text) so an
 * import exports again without loss; the other columns are the keys lists
 * filter and join on. Times are epoch ms.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const table = (name: string) => db.schema.createTable(name).addColumn('id', 'text', (c) => c.primaryKey());
  await table('directory_organizations').addColumn('fields', 'text', (c) => c.notNull()).execute();
  await table('directory_services')
    .addColumn('organization_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .execute();
  await table('directory_locations')
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('postcode', 'text')
    .addColumn('postcode_district', 'text')
    .addColumn('fields', 'text', (c) => c.notNull())
    .execute();
  await table('directory_service_at_locations')
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text')
    .addColumn('fields', 'text', (c) => c.notNull())
    .execute();
  await table('directory_contacts')
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .execute();
  await table('directory_schedules')
    .addColumn('service_id', 'text')
    .addColumn('service_at_location_id', 'text')
    .addColumn('fields', 'text', (c) => c.notNull())
    .execute();
  await table('directory_taxonomies').addColumn('fields', 'text', (c) => c.notNull()).execute();
  await table('directory_taxonomy_terms')
    .addColumn('taxonomy_id', 'text')
    .addColumn('fields', 'text', (c) => c.notNull())
    .execute();
  await table('directory_attributes')
    .addColumn('link_id', 'text', (c) => c.notNull())
    .addColumn('taxonomy_term_id', 'text')
    .addColumn('fields', 'text', (c) => c.notNull())
    .execute();
  const index = (name: string, on: string, columns: string[]) => db.schema.createIndex(name).on(on).columns(columns).execute();
  await index('directory_services_by_modified', 'directory_services', ['modified_at']);
  await index('directory_services_by_organization', 'directory_services', ['organization_id']);
  await index('directory_locations_by_district', 'directory_locations', ['postcode_district']);
  await index('directory_locations_by_postcode', 'directory_locations', ['postcode']);
  await index('directory_sal_by_service', 'directory_service_at_locations', ['service_id']);
  await index('directory_sal_by_location', 'directory_service_at_locations', ['location_id']);
  await index('directory_contacts_by_service', 'directory_contacts', ['service_id']);
  await index('directory_schedules_by_service', 'directory_schedules', ['service_id']);
  await index('directory_schedules_by_sal', 'directory_schedules', ['service_at_location_id']);
  await index('directory_terms_by_taxonomy', 'directory_taxonomy_terms', ['taxonomy_id']);
  await index('directory_attributes_by_link', 'directory_attributes', ['link_id']);
  await index('directory_attributes_by_term', 'directory_attributes', ['taxonomy_term_id', 'link_id']);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'directory_attributes',
    'directory_taxonomy_terms',
    'directory_taxonomies',
    'directory_schedules',
    'directory_contacts',
    'directory_service_at_locations',
    'directory_locations',
    'directory_services',
    'directory_organizations',
  ]) {
    await db.schema.dropTable(name).execute();
  }
}
