import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AdminRoutes } from './plugin.ts';
import { adminActor, adminKey } from './plugin.ts';
import { PipeworkError } from '../core/errors.ts';
import { SETTING_KEYS, type Council } from '../core/councils/council.ts';
import { addCouncil, setCouncil, type CouncilChanges } from '../core/councils/manage.ts';
import { createApiKey, revokeApiKey, rotateApiKey, MAX_GRACE_HOURS } from '../core/access/api-keys.ts';
import type { ApiKey } from '../core/store.ts';

const text = (max: number) => Type.String({ maxLength: max });
const Changes = Type.Object(
  {
    name: Type.Optional(text(200)),
    welshName: Type.Optional(text(200)),
    hosts: Type.Optional(Type.Array(text(260), { maxItems: 20 })),
    ...Object.fromEntries(SETTING_KEYS.map((k) => [k, Type.Optional(text(10_000))])),
  },
  { additionalProperties: false },
);
const NewCouncil = Type.Object({ id: Type.String({ minLength: 1, maxLength: 63 }), ...Changes.properties }, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 63 }) });
const KeyParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }) });
const NewKey = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), scope: Type.Optional(Type.Union([Type.Literal('client'), Type.Literal('admin')])), council: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })) }, { additionalProperties: false });
const Rotate = Type.Object({ graceHours: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_GRACE_HOURS })) }, { additionalProperties: false });

const councilWire = (c: Council) => ({ id: c.id, name: c.name, welshName: c.welshName ?? null, hosts: c.hosts, settings: c.settings, version: c.version });
const keyWire = (k: ApiKey) => ({ id: k.id, name: k.name, scope: k.scope, prefix: k.prefix, council: k.jurisdictionId ?? null, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null, expiresAt: k.expiresAt?.toISOString() ?? null, replacedBy: k.replacedBy ?? null });

/**
 * Councils and API keys at /admin/api/councils and /admin/api/keys: the same
 * core use cases as `npx pipework councils` and `keys`, audited as `api:NAME`.
 * An admin key bound to one council sees and changes only that council and
 * its keys, and cannot add councils or install-wide keys.
 */
/** These routes limit a council-bound key themselves (it sees only its own council and keys). */
const own = { config: { checksCouncil: true } };

export const councilsAdmin: AdminRoutes = async (app, { store }) => {
  const bound = (req: FastifyRequest) => adminKey(req).jurisdictionId;
  const mayAct = (req: FastifyRequest, council: string | undefined) => {
    const b = bound(req);
    if (b && b !== council) throw new PipeworkError('NOT_FOUND', council ? `No council "${council}"` : 'No such resource');
  };
  const actor = (req: FastifyRequest) => ({ by: adminActor(req) });

  app.get('/councils', own, async (req) => ({ councils: (await store.councils.list()).filter((c) => !bound(req) || c.id === bound(req)).map(councilWire) }));
  app.get<{ Params: Static<typeof IdParams> }>('/councils/:id', { ...own, schema: { params: IdParams } }, async (req) => {
    mayAct(req, req.params.id);
    const c = await store.councils.get(req.params.id);
    if (!c) throw new PipeworkError('NOT_FOUND', `No council "${req.params.id}"`);
    return councilWire(c);
  });
  app.post<{ Body: Static<typeof NewCouncil> }>('/councils', { ...own, schema: { body: NewCouncil } }, async (req, reply) => {
    if (bound(req)) throw new PipeworkError('FORBIDDEN', 'A key bound to one council cannot add councils');
    const { id, ...changes } = req.body as { id: string } & CouncilChanges;
    return reply.code(201).send(councilWire(await addCouncil(store, id, changes, actor(req))));
  });
  // `version` in the query makes it a compare-and-set (409 EDIT_CONFLICT when someone else changed it).
  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof Changes>; Querystring: { version?: string } }>('/councils/:id', { ...own, schema: { params: IdParams, body: Changes } }, async (req) => {
    mayAct(req, req.params.id);
    const version = req.query.version && /^\d+$/.test(req.query.version) ? Number(req.query.version) : undefined;
    return councilWire((await setCouncil(store, req.params.id, req.body as CouncilChanges, actor(req), { expectVersion: version })).council);
  });

  const ownKey = async (req: FastifyRequest, id: string) => {
    const key = await store.apiKeys.get(Number(id));
    if (!key || (bound(req) && key.jurisdictionId !== bound(req))) throw new PipeworkError('NOT_FOUND', `No key ${id}`);
    return key;
  };
  app.get('/keys', own, async (req) => ({ keys: (await store.apiKeys.list()).filter((k) => !bound(req) || k.jurisdictionId === bound(req)).map(keyWire) }));
  app.post<{ Body: Static<typeof NewKey> }>('/keys', { ...own, schema: { body: NewKey } }, async (req, reply) => {
    const council = req.body.council ?? bound(req);
    mayAct(req, council);
    const { key, record } = await createApiKey(store, req.body.name, req.body.scope ?? 'client', { jurisdictionId: council, actor: actor(req) });
    return reply.code(201).send({ ...keyWire(record), key });
  });
  app.post<{ Params: Static<typeof KeyParams>; Body: Static<typeof Rotate> }>('/keys/:id/rotate', { ...own, schema: { params: KeyParams, body: Rotate } }, async (req, reply) => {
    const old = await ownKey(req, req.params.id);
    const { key, record, old: after } = await rotateApiKey(store, old.id, req.body?.graceHours ?? 24, actor(req));
    return reply.code(201).send({ ...keyWire(record), key, old: keyWire(after) });
  });
  app.delete<{ Params: Static<typeof KeyParams> }>('/keys/:id', { ...own, schema: { params: KeyParams } }, async (req, reply) => {
    const key = await ownKey(req, req.params.id);
    if (!(await revokeApiKey(store, key.id, actor(req)))) throw new PipeworkError('NOT_FOUND', `No active key ${key.id}`);
    return reply.code(204).send();
  });
};
