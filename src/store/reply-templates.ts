import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { ReplyTemplate, ReplyTemplateStore } from '../core/replies/templates.ts';
import type { Status } from '../core/statuses.ts';

/** Councils' reply templates for the staff console (migration 0025). */
export function replyTemplateStore(db: Kysely<Database>): ReplyTemplateStore {
  const taken = async (t: { jurisdictionId: string; name: string; id?: string }) => {
    let q = db.selectFrom('reply_templates').select('id').where('jurisdiction_id', '=', t.jurisdictionId).where('name', '=', t.name);
    if (t.id) q = q.where('id', '!=', Number(t.id));
    return !!(await q.executeTakeFirst());
  };
  return {
    async list(jurisdictionId) {
      return (await db.selectFrom('reply_templates').selectAll().where('jurisdiction_id', '=', jurisdictionId).orderBy('name').execute()).map(fromRow);
    },
    async get(jurisdictionId, id) {
      if (!/^\d{1,15}$/.test(id)) return undefined;
      const row = await db.selectFrom('reply_templates').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('id', '=', Number(id)).executeTakeFirst();
      return row && fromRow(row);
    },
    async save(t) {
      if (await taken(t)) return { ok: false, problem: 'name' };
      const values = { name: t.name, body: t.body, body_cy: t.bodyCy ?? null, service_codes: JSON.stringify(t.serviceCodes), statuses: JSON.stringify(t.statuses), updated_at: t.updatedAt.getTime() };
      try {
        if (t.id) {
          if (!/^\d{1,15}$/.test(t.id)) return { ok: false, problem: 'missing' };
          const row = await db.updateTable('reply_templates').set(values).where('jurisdiction_id', '=', t.jurisdictionId).where('id', '=', Number(t.id)).returningAll().executeTakeFirst();
          return row ? { ok: true, template: fromRow(row) } : { ok: false, problem: 'missing' };
        }
        const row = await db.insertInto('reply_templates').values({ jurisdiction_id: t.jurisdictionId, ...values }).returningAll().executeTakeFirstOrThrow();
        return { ok: true, template: fromRow(row) };
      } catch (err) {
        // Lost a race to the same name: the unique key refused it, as the check above would have.
        if (await taken(t)) return { ok: false, problem: 'name' };
        throw err;
      }
    },
    async remove(jurisdictionId, id) {
      if (!/^\d{1,15}$/.test(id)) return false;
      const r = await db.deleteFrom('reply_templates').where('jurisdiction_id', '=', jurisdictionId).where('id', '=', Number(id)).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

const fromRow = (r: Selectable<Database['reply_templates']>): ReplyTemplate => ({
  id: String(r.id),
  jurisdictionId: r.jurisdiction_id,
  name: r.name,
  body: r.body,
  ...(r.body_cy ? { bodyCy: r.body_cy } : {}),
  serviceCodes: JSON.parse(r.service_codes) as string[],
  statuses: JSON.parse(r.statuses) as Status[],
  updatedAt: new Date(Number(r.updated_at)),
});
