import type { Kysely } from 'kysely';

// A service's Welsh wording (name, description, notice, status labels) as JSON; its questions' Welsh lives in the attributes JSON.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('services').addColumn('welsh', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('services').dropColumn('welsh').execute();
}
