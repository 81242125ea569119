import { Type, type Static } from '@sinclair/typebox';
import { adminActor, type AdminRoutes } from './plugin.ts';
import { builtinCases, staffUpdate } from '../core/cases/builtin.ts';

const CasesQuery = Type.Object({ jurisdiction_id: Type.String({ minLength: 1 }), status: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false });
const Params = Type.Object({ jurisdiction: Type.String({ minLength: 1 }), id: Type.String({ minLength: 1 }) });
const UpdateBody = Type.Object({ status: Type.String({ minLength: 1 }), description: Type.String({ maxLength: 4000, default: '' }) }, { additionalProperties: false });

/** Admin API, built-in case store: staff see the cases Pipework holds itself and move them on. */
export const casesAdmin: AdminRoutes = async (app, { store }) => {
  const tags = ['Admin: built-in case store'];
  app.get('/cases', { schema: { tags, querystring: CasesQuery } }, async (req) => {
    const q = req.query as Static<typeof CasesQuery>;
    const cases = await builtinCases(store, q.jurisdiction_id, { status: q.status, limit: q.limit ?? 100 });
    return { cases: cases.map((r) => ({ service_request_id: r.id, service_code: r.serviceCode, status: r.status, description: r.description ?? null, address: r.location.address ?? null, requested_datetime: r.requestedAt.toISOString(), updated_datetime: r.updatedAt.toISOString() })) };
  });
  app.post('/cases/:jurisdiction/:id/updates', { schema: { tags, params: Params, body: UpdateBody } }, async (req) => {
    const p = req.params as Static<typeof Params>;
    const b = req.body as Static<typeof UpdateBody>;
    const u = await staffUpdate(store, p.jurisdiction, p.id, { status: b.status, description: b.description ?? '', by: adminActor(req) });
    return { update: { update_id: u.id, service_request_id: u.requestId, status: u.status, description: u.description, updated_datetime: u.updatedAt.toISOString(), flag: u.flag ?? null } };
  });
};
