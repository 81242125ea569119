import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import { pageSecurity } from '../http/page-security.ts';
import formbody from '@fastify/formbody';
import view from '@fastify/view';
import nunjucks from 'nunjucks';
import { join } from 'node:path';
import type { Store } from '../core/store.ts';
import type { Clock } from '../core/clock.ts';
import type { Config } from '../config/schema.ts';
import { PipeworkError } from '../core/errors.ts';
import { govukDist } from '../web/assets.ts';
import { staffSessions } from './session.ts';
import { staffGuard } from './identity.ts';
import { staffAssets, mojRoot } from './assets.ts';
import { page } from './render.ts';
import { oidcClient, type OidcClient } from './oidc.ts';
import { signInRoutes } from './routes/sign-in.ts';
import { accountRoutes } from './routes/account.ts';
import { queueRoutes } from './routes/queue.ts';
import { caseRoutes } from './routes/case.ts';
import { auditRoutes } from './routes/audit.ts';
import { raiseRoutes } from './routes/raise.ts';
import { viewRoutes } from './routes/views.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { recordsRoutes } from './routes/records.ts';
import { adminRoutes } from './admin/index.ts';
import { firstRunDoor, firstRunRoutes } from './routes/first-run.ts';
import type { BackendRegistry } from '../backends/registry.ts';

export interface StaffOptions {
  store: Store;
  config: Config;
  clock: Clock;
  /** The live back-ends, for council set-up (checks, routes, moves). */
  backends: BackendRegistry;
}

/** What every route file of the staff console is given. */
export interface StaffContext extends StaffOptions {
  /** Present when STAFF_OIDC_ISSUER is set. */
  oidc?: OidcClient;
}

/**
 * The staff console at /staff/: sign-in, the work queue, the case view and
 * the audit log. GOV.UK Design System pages with the MOJ Pattern Library,
 * rendered on the server and working without JavaScript. Every case action is
 * a core use case (src/core/cases/), checked against the user's role in the
 * council, and written to the audit log.
 */
export async function staffPlugin(app: FastifyInstance, { store, config, clock, backends }: StaffOptions) {
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true } as typeof route.schema;
  });
  firstRunDoor(app, store);
  await app.register(cookie);
  await staffSessions(app, { store, clock, idleMinutes: config.staffSessionIdleMinutes });
  await app.register(csrf, { sessionPlugin: '@fastify/secure-session' });
  // The OpenID Connect provider is reached by redirect, which form-action governs in some browsers.
  await app.register(helmet, pageSecurity({ formAction: config.staffOidcIssuer ? [new URL(config.staffOidcIssuer).origin] : [], noReferrer: true }));
  await app.register(formbody);
  await app.register(view, {
    engine: { nunjucks },
    templates: [join(import.meta.dirname, 'views'), govukDist(), mojRoot()],
    options: { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  });

  const message = (req: FastifyRequest, reply: FastifyReply, status: number, title: string, body: string) => page(req, reply, 'message.njk', { title, body }, status);
  staffGuard(app, store, (req, reply) => message(req, reply, 403, 'You cannot do this', 'Your role in this council does not allow it. Ask a supervisor if you need it.'));

  // Every form of the console is checked, not only those a route remembers to mark.
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method === 'GET' || req.method === 'HEAD') return done();
    app.csrfProtection(req, reply, done);
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      return message(req, reply, 403, 'This form has expired', 'Go back, reload the page and try again. Nothing was changed.');
    }
    if (error instanceof PipeworkError) {
      if (error.status === 404) return message(req, reply, 404, 'Page not found', 'There is no such request or page in this council.');
      if (error.status === 403) return message(req, reply, 403, 'You cannot do this', error.message);
      if (error.status < 500) return message(req, reply, error.status, 'There is a problem', error.message);
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return message(req, reply, status, 'There is a problem', 'The request was not understood. Go back and try again.');
    req.log.error({ err: error }, 'staff console request failed');
    return message(req, reply, 500, 'Sorry, there is a problem', 'Something went wrong on our side. Nothing was changed; try again.');
  });
  app.setNotFoundHandler({ preHandler: async () => {} }, (req, reply) => message(req, reply, 404, 'Page not found', 'Check the address, or go back to the work queue.'));

  const oidc = config.staffOidcIssuer ? oidcClient(config) : undefined;
  const ctx: StaffContext = { store, config, clock, backends, oidc };
  await app.register(staffAssets);
  await app.register(signInRoutes, ctx);
  await app.register(firstRunRoutes, ctx);
  await app.register(accountRoutes, ctx);
  await app.register(queueRoutes, ctx);
  await app.register(caseRoutes, ctx);
  await app.register(auditRoutes, ctx);
  await app.register(raiseRoutes, ctx);
  await app.register(viewRoutes, ctx);
  await app.register(dashboardRoutes, ctx);
  await app.register(recordsRoutes, ctx);
  await app.register(adminRoutes, { ...ctx, prefix: '/admin' });
}
