import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import type { AdminArea } from './index.ts';
import { PipeworkError } from '../../core/errors.ts';
import { KINDS } from '../../backends/registry.ts';
import { findBackend, listBackends, requireBackend, saveBackend } from '../../routing/manage.ts';
import { canChange, type Acting } from '../../core/routing/owners.ts';
import { maskConfig } from '../../routing/mask.ts';
import { page, type PageError } from '../render.ts';
import { field, recordAdmin } from './audit.ts';
import { actorOf } from '../identity.ts';

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const EXAMPLES: Record<string, string> = {
  webhook: '{ "url": "https://backoffice.example.gov.uk/pipework", "secret": "at least sixteen characters" }',
  'open311-upstream': '{ "url": "https://open311.example.gov.uk/v2/", "apiKey": "KEY", "jurisdictionId": "example" }',
  email: '{ "to": "streets@example.gov.uk", "from": "pipework@example.gov.uk" }',
  'file-drop': '{ "outbox": "/var/spool/pipework/out", "inbox": "/var/spool/pipework/in" }',
  builtin: '{}',
};

/** Who changed a route or back-end, as the route history names them. */
export const staffActor = (req: FastifyRequest) => `staff:${actorOf(req).email}`;

/** A council admin acts for their council only: its own back-ends and the install-wide ones (decision 0178). */
export const staffActing = (req: FastifyRequest): Acting => ({ actor: staffActor(req), council: actorOf(req).jurisdictionId });

/**
 * Back-ends: the configured instances with their secrets masked (never shown
 * again once saved: a secret left as ******** keeps the saved one), adding or
 * changing one (the adapter's schema checks it, as on the CLI) and checking
 * its health.
 */
async function backendRoutes(app: FastifyInstance, ctx: StaffContext) {
  const { store, backends: registry } = ctx;
  const kinds = Object.entries(KINDS).map(([value, k]) => ({ value, text: `${value}: ${k.summary}` }));

  const show = async (req: FastifyRequest, reply: FastifyReply, form: { name: string; kind: string; config: string; editing?: boolean }, errors: PageError[] = []) => {
    const list = await listBackends(store, staffActing(req));
    return page(req, reply, 'admin/backends.njk', {
      title: 'Back-ends',
      backends: list.map((b) => ({ name: b.name, kind: b.kind, config: JSON.stringify(maskConfig(b.config), null, 1), updatedBy: b.updatedBy, updatedAt: b.updatedAt, installWide: !b.jurisdictionId, editable: canChange(staffActing(req), b) })),
      kinds: kinds.map((k) => ({ ...k, selected: k.value === form.kind })),
      examples: Object.entries(EXAMPLES).map(([kind, example]) => ({ kind, example })),
      form,
      errors,
    }, errors.length ? 400 : 200);
  };

  app.get<{ Querystring: { edit?: string } }>('/backends', async (req, reply) => {
    const asked = typeof req.query.edit === 'string' && NAME.test(req.query.edit) ? req.query.edit : undefined;
    const editing = asked ? await findBackend(store, asked, staffActing(req)) : undefined;
    // Another council's back-end is not there; an install-wide one is shown but not offered for editing.
    if (asked && !editing) throw new PipeworkError('BACKEND_NOT_FOUND', `No back-end "${asked}"`);
    if (editing && !canChange(staffActing(req), editing)) throw new PipeworkError('FORBIDDEN', `"${editing.name}" is an install-wide back-end: only the install changes it`);
    const form = editing ? { name: editing.name, kind: editing.kind, config: JSON.stringify(maskConfig(editing.config), null, 2), editing: true } : { name: '', kind: 'webhook', config: '' };
    return show(req, reply, form);
  });

  app.post('/backends', async (req, reply) => {
    const form = { name: field(req.body, 'name').trim(), kind: field(req.body, 'kind'), config: field(req.body, 'config') };
    const errors: PageError[] = [];
    let config: unknown;
    try {
      config = JSON.parse(form.config.trim() || '{}');
      if (!config || typeof config !== 'object' || Array.isArray(config)) throw new Error('not an object');
    } catch {
      errors.push({ field: 'config', href: '#config', text: 'Enter the settings as JSON between { and }, like the example for this kind' });
    }
    if (!NAME.test(form.name)) errors.push({ field: 'name', href: '#name', text: 'Enter a name of lower-case letters, digits, - or _ (up to 63)' });
    if (errors.length) return show(req, reply, form, errors);
    try {
      const before = await findBackend(store, form.name, staffActing(req));
      const saved = await saveBackend(store, { name: form.name, kind: form.kind, config }, staffActing(req));
      await recordAdmin(ctx, req, 'backend.save', { before: before ? `${before.name} (${before.kind})` : undefined, after: `${saved.name} (${saved.kind})` });
      req.staffSession.set('flash', `Saved back-end ${saved.name}. Its secrets are not shown again.`);
      return reply.redirect('/staff/admin/backends', 303);
    } catch (e) {
      if (!(e instanceof PipeworkError) || (e.code !== 'INVALID_INPUT' && e.code !== 'FORBIDDEN')) throw e;
      const list = e.problems.length ? e.problems : [{ field: e.code === 'FORBIDDEN' ? 'name' : 'config', message: e.message }];
      return show(req, reply, form, list.map((p) => ({ field: p.field === 'name' || p.field === 'kind' ? p.field : 'config', href: `#${p.field === 'name' || p.field === 'kind' ? p.field : 'config'}`, text: p.message })));
    }
  });

  app.post<{ Params: { name: string } }>('/backends/:name/check', async (req, reply) => {
    const { name } = req.params;
    await requireBackend(store, name, staffActing(req));
    const { backend, problem } = await registry.get(name);
    const health = backend ? await backend.health().catch((e: Error) => ({ ok: false, detail: e.message })) : { ok: false, detail: problem ?? 'not usable' };
    await recordAdmin(ctx, req, 'backend.check', { after: `${name}: ${health.ok ? 'healthy' : 'not healthy'}` });
    req.staffSession.set('flash', `${name}: ${health.ok ? 'healthy' : 'NOT healthy'} (${health.detail})`);
    return reply.redirect('/staff/admin/backends', 303);
  });
}

export const backendsArea: AdminArea = {
  path: 'backends',
  title: 'Back-ends',
  summary: 'Connect the systems that handle requests (webhook, Open311, email, file drop) and check they answer.',
  routes: backendRoutes,
};
