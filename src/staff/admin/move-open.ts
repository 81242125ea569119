import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import { PipeworkError } from '../../core/errors.ts';
import { planMoveOpen } from '../../routing/move-open.ts';
import { moveRunner } from '../../routing/move-runner.ts';
import type { RouteKey } from '../../routing/manage.ts';
import { actorOf } from '../identity.ts';
import { page, type PageError } from '../render.ts';
import { recordAdmin } from './audit.ts';
import { staffActor } from './backends.ts';

type Params = { service: string };
const CODE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * "Take open cases along", the step after promote on a service's route page:
 * the dry run (which open cases other back-ends own, which can move now), a
 * start button, then the move's progress and report. The move runs in the
 * server process (the same runner as the admin API), so the page answers at
 * once; it is followed by reloading the progress page (no script needed).
 */
export async function moveOpenPages(app: FastifyInstance, ctx: StaffContext) {
  const { store } = ctx;
  const runner = moveRunner(store, ctx.backends, app.log);
  app.addHook('onClose', () => runner.close());
  const key = async (req: FastifyRequest<{ Params: Params }>): Promise<RouteKey & { name: string }> => {
    const k = { jurisdictionId: actorOf(req).jurisdictionId, serviceCode: req.params.service };
    const service = CODE.test(k.serviceCode) ? await store.services.get(k.jurisdictionId, k.serviceCode) : undefined;
    if (!service) throw new PipeworkError('SERVICE_NOT_FOUND', `No service "${req.params.service}"`);
    return { ...k, name: service.name };
  };
  const base = (code: string) => `/staff/admin/routes/${encodeURIComponent(code)}/move-open`;

  const plan = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, errors: PageError[] = []) => {
    const k = await key(req);
    const p = await planMoveOpen(store, k);
    const ready = p.cases.filter((c) => c.ready).length;
    return page(req, reply, 'admin/move-open.njk', {
      title: `Take open cases along: ${k.name}`,
      code: k.serviceCode,
      toBackend: p.toBackend,
      resumes: p.resumes ? { id: p.resumes.id, by: p.resumes.actor, at: p.resumes.createdAt, url: `${base(k.serviceCode)}/${p.resumes.id}` } : undefined,
      cases: p.cases,
      ready,
      byBackend: Object.entries(p.byBackend).map(([backend, n]) => ({ backend, n })),
      errors,
    }, errors.length ? 400 : 200);
  };
  app.get<{ Params: Params }>('/routes/:service/move-open', async (req, reply) => plan(req, reply));

  app.post<{ Params: Params }>('/routes/:service/move-open', async (req, reply) => {
    const k = await key(req);
    try {
      const move = await runner.start(k, staffActor(req));
      await recordAdmin(ctx, req, 'route.move-open', { after: `${k.serviceCode}: open cases to ${move.toBackend} (move ${move.id})` });
      return reply.redirect(`${base(k.serviceCode)}/${move.id}`, 303);
    } catch (e) {
      if (!(e instanceof PipeworkError) || (e.code !== 'INVALID_INPUT' && e.code !== 'BACKEND_NOT_FOUND')) throw e;
      return plan(req, reply, [{ field: 'start', href: '#start', text: e.message }]);
    }
  });

  app.get<{ Params: Params & { id: string } }>('/routes/:service/move-open/:id', async (req, reply) => {
    const k = await key(req);
    const p = await runner.progress(req.params.id);
    if (!p || p.move.jurisdictionId !== k.jurisdictionId || p.move.serviceCode !== k.serviceCode) throw new PipeworkError('NOT_FOUND', `No move ${req.params.id} of ${k.serviceCode}`);
    return page(req, reply, 'admin/move-progress.njk', {
      title: `Moving open cases of ${k.name}`,
      code: k.serviceCode,
      p,
      done: p.moved + p.failed.length,
      self: `${base(k.serviceCode)}/${p.move.id}`,
      again: base(k.serviceCode),
    });
  });
}
