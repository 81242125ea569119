import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminArea } from './index.ts';
import type { StaffContext } from '../plugin.ts';
import { page, type PageError } from '../render.ts';
import { actorOf } from '../identity.ts';
import { PipeworkError } from '../../core/errors.ts';
import { createApiKey, revokeApiKey, rotateApiKey, MAX_GRACE_HOURS } from '../../core/access/api-keys.ts';
import type { ApiKey } from '../../core/store.ts';
import { formText, pageErrors } from './form-errors.ts';

const SCOPES = [
  { value: 'client', text: 'Open311 write', hint: 'Report problems and post updates, for example FixMyStreet' },
  { value: 'admin', text: 'Admin', hint: 'Also the admin API at /admin/api and the event log' },
];

const stateOf = (k: ApiKey, now: Date) =>
  k.revokedAt ? { text: 'Revoked', colour: 'grey' } : k.expiresAt ? (k.expiresAt > now ? { text: 'Rotated: works until', colour: 'yellow', until: k.expiresAt } : { text: 'Expired', colour: 'grey' }) : { text: 'Active', colour: 'green' };

/** API keys of the admin's council: create (shown once), revoke, rotate with a grace period. Install-wide keys are listed, and changed only on the command line. */
async function routes(app: FastifyInstance, { store, clock }: StaffContext) {
  const list = async (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: PageError[] = [], status = 200) => {
    const council = actorOf(req).jurisdictionId;
    const now = clock.now();
    const keys = (await store.apiKeys.list()).filter((k) => !k.jurisdictionId || k.jurisdictionId === council).reverse();
    return page(req, reply, 'admin/keys.njk', { title: 'API keys', keys: keys.map((k) => ({ ...k, state: stateOf(k, now), own: k.jurisdictionId === council, active: !k.revokedAt && !(k.expiresAt && k.expiresAt <= now) })), scopes: SCOPES, values, errors, maxGrace: MAX_GRACE_HOURS }, status);
  };
  const ownKey = async (req: FastifyRequest, id: string) => {
    const key = /^\d{1,15}$/.test(id) ? await store.apiKeys.get(Number(id)) : undefined;
    // Another council's key, or an install-wide one, is not this admin's to change.
    if (!key || key.jurisdictionId !== actorOf(req).jurisdictionId) throw new PipeworkError('NOT_FOUND');
    return key;
  };
  const who = (req: FastifyRequest) => ({ by: actorOf(req).email, userId: actorOf(req).userId });

  app.get('/keys', async (req, reply) => list(req, reply));

  app.post('/keys', async (req, reply) => {
    const v = formText(req.body);
    const scope = v.scope === 'admin' ? 'admin' : 'client';
    try {
      const { key, record } = await createApiKey(store, v.name ?? '', scope, { jurisdictionId: actorOf(req).jurisdictionId, actor: who(req) });
      return page(req, reply, 'admin/key-shown.njk', { title: `Key ${record.id} created`, key, record });
    } catch (err) {
      return list(req, reply, v, pageErrors(err), 400);
    }
  });

  app.post<{ Params: { id: string } }>('/keys/:id/revoke', async (req, reply) => {
    const key = await ownKey(req, req.params.id);
    const done = await revokeApiKey(store, key.id, who(req));
    req.staffSession.set('flash', done ? `Key ${key.id} "${key.name}" is revoked: it no longer works.` : `Key ${key.id} was already revoked.`);
    return reply.redirect('/staff/admin/keys', 303);
  });

  app.post<{ Params: { id: string } }>('/keys/:id/rotate', async (req, reply) => {
    const key = await ownKey(req, req.params.id);
    const v = formText(req.body);
    const hours = /^\d+(\.\d+)?$/.test(v.graceHours ?? '') ? Number(v.graceHours) : NaN;
    try {
      const { key: plain, record, old } = await rotateApiKey(store, key.id, hours, who(req), clock.now());
      return page(req, reply, 'admin/key-shown.njk', { title: `Key ${old.id} rotated`, key: plain, record, old });
    } catch (err) {
      if (err instanceof PipeworkError && err.code === 'NOT_FOUND') throw new PipeworkError('INVALID_INPUT', `Key ${key.id} is not active or has already been rotated`);
      const errors = pageErrors(err).map((e) => ({ ...e, field: `grace-${key.id}`, href: `#grace-${key.id}` }));
      return list(req, reply, { [`grace-${key.id}`]: v.graceHours ?? '' }, errors, 400);
    }
  });
}

export const keysArea: AdminArea = {
  path: 'keys',
  title: 'API keys',
  summary: 'Keys for Open311 clients and the admin API: create one (shown once), revoke it, or rotate it with a grace period for the old one.',
  routes,
};
