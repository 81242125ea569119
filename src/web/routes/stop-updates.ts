import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebContext } from '../plugin.ts';

type Params = { token: string };

/**
 * The "stop updates" link in every message about a report: no sign-in, the
 * unguessable token is the permission. GET asks (mail scanners open links, so
 * opening it changes nothing); POST stops, and is also what a mail client's
 * one-click unsubscribe sends (RFC 8058), which is why it has no CSRF token.
 */
export async function stopUpdatesRoutes(app: FastifyInstance, { store, render, references }: WebContext) {
  async function show(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, stop: boolean) {
    const token = req.params.token;
    const notice = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await store.notifications.noticeByToken(token) : undefined;
    if (!notice) {
      const t = render.t(req);
      return render.page(req, reply, 'error.njk', { title: t('stop.unknown.title'), body: t('stop.unknown.body') }, { status: 404 });
    }
    if (stop) await store.notifications.stop(token);
    const stopped = stop || !!notice.stoppedAt;
    return render.page(req, reply, 'stop-updates.njk', { reference: await references.of(notice.requestId), stopped, action: new URL(req.url, 'http://x').pathname });
  }
  app.get<{ Params: Params }>('/updates/stop/:token', (req, reply) => show(req, reply, false));
  app.post<{ Params: Params }>('/updates/stop/:token', (req, reply) => show(req, reply, true));
}
