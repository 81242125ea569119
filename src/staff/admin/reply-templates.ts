import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminArea } from './index.ts';
import type { StaffContext } from '../plugin.ts';
import { page, type PageError } from '../render.ts';
import { actorOf } from '../identity.ts';
import { PipeworkError } from '../../core/errors.ts';
import { STATUSES } from '../../core/statuses.ts';
import { PLACEHOLDERS, removeReplyTemplate, saveReplyTemplate, type TemplateActor } from '../../core/replies/templates.ts';
import { formText, pageErrors } from './form-errors.ts';

type Values = { name?: string; body?: string; bodyCy?: string; services: string[]; statuses: string[] };
const listOf = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

/** Reply templates for the public reply on a case: the council's own words per service and status, in English and Welsh. */
async function routes(app: FastifyInstance, { store, clock }: StaffContext) {
  const admin = (req: FastifyRequest): TemplateActor => {
    const a = actorOf(req);
    return { userId: a.userId, email: a.email, jurisdictionId: a.jurisdictionId };
  };
  const form = async (req: FastifyRequest, reply: FastifyReply, id: string | undefined, values: Values, errors: PageError[] = [], status = 200) => {
    const services = await store.services.list(admin(req).jurisdictionId);
    return page(req, reply, 'admin/reply-template.njk', {
      title: id ? `Change “${values.name}”` : 'Add a reply template',
      id,
      values,
      placeholders: PLACEHOLDERS,
      services: services.map((s) => ({ value: s.code, text: s.name, checked: values.services.includes(s.code) })),
      statuses: STATUSES.map((s) => ({ value: s, text: s.replace(/_/g, ' '), checked: values.statuses.includes(s) })),
      errors,
    }, status);
  };
  const posted = (req: FastifyRequest): Values => {
    const b = req.body as Record<string, unknown> | undefined;
    const v = formText(b);
    return { name: v.name, body: v.body, bodyCy: v.bodyCy, services: listOf(b?.services), statuses: listOf(b?.statuses) };
  };
  const save = (req: FastifyRequest, id: string | undefined, v: Values) =>
    saveReplyTemplate(store, clock, admin(req), { id, name: v.name ?? '', body: v.body ?? '', bodyCy: v.bodyCy, serviceCodes: v.services, statuses: v.statuses });

  app.get('/templates', async (req, reply) => {
    const council = admin(req).jurisdictionId;
    const [templates, services] = await Promise.all([store.replyTemplates.list(council), store.services.list(council)]);
    const names = new Map(services.map((s) => [s.code, s.name]));
    return page(req, reply, 'admin/reply-templates.njk', {
      title: 'Reply templates',
      templates: templates.map((t) => ({ ...t, serviceText: t.serviceCodes.map((c) => names.get(c) ?? c).join(', ') || 'Every service', statusText: t.statuses.map((s) => s.replace(/_/g, ' ')).join(', ') || 'Any status' })),
    });
  });
  app.get('/templates/new', async (req, reply) => form(req, reply, undefined, { services: [], statuses: [] }));
  app.post('/templates', async (req, reply) => {
    const v = posted(req);
    try {
      const t = await save(req, undefined, v);
      req.staffSession.set('flash', `Reply template “${t.name}” added.`);
      return reply.redirect('/staff/admin/templates', 303);
    } catch (err) {
      return form(req, reply, undefined, v, pageErrors(err, { services: 'services', statuses: 'statuses' }), 400);
    }
  });
  app.get<{ Params: { id: string } }>('/templates/:id', async (req, reply) => {
    const t = await store.replyTemplates.get(admin(req).jurisdictionId, req.params.id);
    if (!t) throw new PipeworkError('NOT_FOUND', 'No such reply template in this council');
    return form(req, reply, t.id, { name: t.name, body: t.body, bodyCy: t.bodyCy, services: t.serviceCodes, statuses: t.statuses });
  });
  app.post<{ Params: { id: string } }>('/templates/:id', async (req, reply) => {
    const v = posted(req);
    try {
      const t = await save(req, req.params.id, v);
      req.staffSession.set('flash', `Reply template “${t.name}” saved.`);
      return reply.redirect('/staff/admin/templates', 303);
    } catch (err) {
      if (err instanceof PipeworkError && err.code === 'NOT_FOUND') throw err;
      return form(req, reply, req.params.id, v, pageErrors(err), 400);
    }
  });
  app.post<{ Params: { id: string } }>('/templates/:id/delete', async (req, reply) => {
    const t = await removeReplyTemplate(store, clock, admin(req), req.params.id);
    req.staffSession.set('flash', `Reply template “${t.name}” removed.`);
    return reply.redirect('/staff/admin/templates', 303);
  });
}

export const replyTemplatesArea: AdminArea = {
  path: 'templates',
  title: 'Reply templates',
  summary: 'Ready-made public replies for each service and status, in English and Welsh, offered on the case page.',
  routes,
};
