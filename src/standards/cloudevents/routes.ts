import { Type, type Static } from '@sinclair/typebox';
import type { AdminRoutes } from '../../admin/plugin.ts';
import { toCloudEvent } from './format.ts';

const Query = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    /** Comma-separated CloudEvents types. */
    types: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    /** Comma-separated council (jurisdiction) ids. */
    council: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const list = (s?: string) => s?.split(',').map((x) => x.trim()).filter(Boolean);

/**
 * `GET /events?after=SEQ&limit=N`: the event log in order, as CloudEvents 1.0
 * JSON, with the cursor to ask from next. Admin key (Authorization: Bearer).
 * An empty page means "nothing newer yet": ask again later with the same cursor.
 */
export const eventsRoutes: AdminRoutes = async (app, { store, config }) => {
  app.get<{ Querystring: Static<typeof Query> }>('/', { schema: { querystring: Query, hide: true } as object }, async (req) => {
    const after = req.query.after ?? 0;
    const limit = req.query.limit ?? 100;
    const events = await store.events.read({ after, limit, types: list(req.query.types), jurisdictionIds: list(req.query.council) });
    const next = events.at(-1)?.seq ?? after;
    return { events: events.map((e) => toCloudEvent(e, config.publicUrl)), next_after: next };
  });
};
