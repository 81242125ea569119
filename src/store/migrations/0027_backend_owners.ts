import type { Kysely } from 'kysely';

/**
 * Each back-end belongs to one council (decision 0178): `backends.jurisdiction_id`,
 * empty for an install-wide back-end (made by the CLI or an install-wide admin key).
 * Frozen: never import application code here.
 *
 * Existing back-ends go to the one council whose routes name them (primary,
 * shadow or canary); one named by several councils, or by none, stays install-wide.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('backends').addColumn('jurisdiction_id', 'text').execute();
  const routes = await db.selectFrom('routes').select(['jurisdiction_id', 'primary_backend', 'shadow_backend', 'canary_backend']).execute();
  const councils = new Map<string, Set<string>>();
  for (const r of routes) {
    for (const name of [r.primary_backend, r.shadow_backend, r.canary_backend]) {
      if (name) councils.set(name, (councils.get(name) ?? new Set()).add(r.jurisdiction_id));
    }
  }
  for (const [name, owners] of councils) {
    if (owners.size === 1) await db.updateTable('backends').set({ jurisdiction_id: [...owners][0] }).where('name', '=', name).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('backends').dropColumn('jurisdiction_id').execute();
}
