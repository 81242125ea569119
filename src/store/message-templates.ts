import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { MessageTemplate, MessageTemplateStore } from '../core/notifications/templates.ts';

/** Councils' own words for residents' messages (migration 0018). */
export function messageTemplateStore(db: Kysely<Database>): MessageTemplateStore {
  return {
    async list(jurisdictionId) {
      const rows = await db.selectFrom('notification_templates').selectAll().where('jurisdiction_id', '=', jurisdictionId).orderBy('service_code').orderBy('kind').orderBy('channel').orderBy('language').execute();
      return rows.map(
        (r): MessageTemplate => ({
          jurisdictionId: r.jurisdiction_id,
          serviceCode: r.service_code,
          kind: r.kind as MessageTemplate['kind'],
          channel: r.channel as MessageTemplate['channel'],
          language: r.language as MessageTemplate['language'],
          subject: r.subject ?? undefined,
          body: r.body,
          updatedAt: new Date(Number(r.updated_at)),
          by: r.by,
        }),
      );
    },
    async put(t) {
      const values = { subject: t.subject ?? null, body: t.body, updated_at: t.updatedAt.getTime(), by: t.by };
      await db
        .insertInto('notification_templates')
        .values({ jurisdiction_id: t.jurisdictionId, service_code: t.serviceCode, kind: t.kind, channel: t.channel, language: t.language, ...values })
        .onConflict((oc) => oc.columns(['jurisdiction_id', 'service_code', 'kind', 'channel', 'language']).doUpdateSet(values))
        .execute();
    },
    async remove(k) {
      const r = await db
        .deleteFrom('notification_templates')
        .where('jurisdiction_id', '=', k.jurisdictionId)
        .where('service_code', '=', k.serviceCode)
        .where('kind', '=', k.kind)
        .where('channel', '=', k.channel)
        .where('language', '=', k.language)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
