import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import { pageSecurity } from '../http/page-security.ts';
import rateLimit from '@fastify/rate-limit';
import { sharedRateLimits } from '../http/rate-limit-store.ts';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { toPipeworkError } from '../http/errors.ts';
import view from '@fastify/view';
import nunjucks from 'nunjucks';
import { join } from 'node:path';
import type { Store } from '../core/store.ts';
import type { Config } from '../config/schema.ts';
import { webAssets, govukDist } from './assets.ts';
import { webSessions } from './session.ts';
import { isLang, loadCatalogues } from './i18n.ts';
import { renderer, type Renderer } from './render.ts';
import { findRoutes } from './routes/find.ts';
import { reportRoutes } from './routes/report.ts';
import { locationRoutes } from './routes/location.ts';
import { mapTileRoutes } from './routes/tiles.ts';
import { trackRoutes } from './routes/track.ts';
import { infoRoutes } from './routes/info.ts';
import { stopUpdatesRoutes } from './routes/stop-updates.ts';
import type { Upload } from '../media/intake.ts';
import { residentReferences, type References } from './references.ts';

export interface WebOptions {
  store: Store;
  config: Config;
}

/** What every route file of the resident web is given. */
export interface WebContext extends WebOptions {
  render: Renderer;
  /** The per-address limit on sending reports and photos. */
  submitLimit: { rateLimit: { max: number; timeWindow: number } };
  /** Resident references (short, unguessable, with a check character) for request ids, and back. */
  references: References;
}

/** An upload as the photo page receives it: `tooBig` when the file went over MEDIA_LIMIT_BYTES. */
export type WebUpload = Upload & { tooBig: boolean };

/**
 * The resident web at `/`: find a service, report a problem, track it. GOV.UK
 * Design System pages rendered on the server, working without JavaScript.
 * Everything a resident submits goes through the same core as Open311.
 */
export async function webPlugin(app: FastifyInstance, { store, config }: WebOptions) {
  // HTML pages for people are not part of the machine-readable API description.
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true } as typeof route.schema;
  });
  await app.register(cookie);
  const catalogues = loadCatalogues();
  const render = renderer({ store, catalogues, jurisdictionId: config.webJurisdiction, feedbackUrl: config.webFeedbackUrl });
  // Called, not registered: its hooks must cover every route of this plugin.
  await webSessions(app, { store, ttlHours: config.webSessionHours, saveFailed: (req, reply, err) => problemInstead(app, render, req, reply, err) });
  // The secret lives in the stored session (csrf-protection's get/set session mode), not a cookie of its own.
  await app.register(csrf, { sessionPlugin: '@fastify/secure-session' });
  // A council's logo may be served from its own website (https only: docs/decisions/0102).
  await app.register(helmet, pageSecurity({ imgSrc: ['https:'] }));
  await app.register(rateLimit, { global: false, ...(store.rateLimits ? sharedRateLimits(store.rateLimits) : {}) });
  await app.register(formbody);
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { fileSize: config.mediaLimitBytes, files: 1, fields: 20 },
    async onFile(part) {
      const data = await part.toBuffer();
      const upload: WebUpload = { field: part.fieldname, filename: part.filename, data, tooBig: part.file.truncated };
      (part as unknown as { value: WebUpload }).value = upload;
    },
  });
  await app.register(view, {
    engine: { nunjucks },
    templates: [join(import.meta.dirname, 'views'), govukDist()],
    options: { autoescape: true, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true },
  });

  const ctx: WebContext = { store, config, render, submitLimit: { rateLimit: { max: config.webSubmitLimitPerMinute, timeWindow: 60_000 } }, references: residentReferences(store) };

  // `?lang=cy` on any page switches language and remembers it.
  app.addHook('preHandler', async (req) => {
    const wanted = (req.query as Record<string, unknown> | undefined)?.lang;
    if (isLang(wanted) && req.session.get('lang') !== wanted) req.session.set('lang', wanted);
  });

  app.setErrorHandler((error: FastifyError, req, reply) => errorPage(render, error, req, reply));
  app.setNotFoundHandler((req, reply) => {
    if (!acceptsHtml(req)) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such resource', problems: [] } });
    return render.page(req, reply, 'error.njk', { title: render.t(req)('notFound.title'), body: render.t(req)('notFound.body') }, { status: 404 });
  });

  await app.register(findRoutes, ctx);
  await app.register(reportRoutes, ctx);
  await app.register(locationRoutes, ctx);
  await app.register(mapTileRoutes, ctx);
  await app.register(trackRoutes, ctx);
  await app.register(infoRoutes, ctx);
  await app.register(stopUpdatesRoutes, ctx);
  await app.register(webAssets);
}

const acceptsHtml = (req: FastifyRequest) => /text\/html|\*\/\*/.test(req.headers.accept ?? '') || !req.headers.accept;

/** Errors as pages a resident can act on; detail of unexpected ones goes to the log only. */
async function errorPage(render: Renderer, error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const t = render.t(req);
  // A client's mistake without a status of its own (a multipart body without a boundary) is still a 4xx.
  const status = error.statusCode ?? toPipeworkError(error).status;
  const back = req.headers.referer && URL.canParse(req.headers.referer) ? new URL(req.headers.referer).pathname : '/';
  let key = 'problem';
  if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') key = 'expired';
  else if (status === 429) key = req.url.startsWith('/track') ? 'tooManyLookups' : 'tooMany';
  else if (status === 413) key = 'tooLarge';
  else if (status >= 400 && status < 500) key = 'badRequest';
  else req.log.error({ err: error }, 'resident web request failed');
  // 503 (a store outage said as such) stays 503; anything else unexpected is a 500.
  const code = key === 'problem' ? (status === 503 ? 503 : 500) : key === 'expired' ? 403 : status;
  try {
    return await render.page(req, reply, 'error.njk', { title: t(`${key}.title`), body: t(`${key}.body`), back }, { status: code });
  } catch (err) {
    req.log.error({ err }, 'resident web error page failed');
    return reply.code(code).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(PLAIN_PROBLEM);
  }
}

/** The reply is replaced by the "problem" page: the session (an answer just given) could not be saved. */
async function problemInstead(app: FastifyInstance, render: Renderer, req: FastifyRequest, reply: FastifyReply, err: unknown): Promise<string> {
  req.log.error({ err }, 'resident web session could not be saved');
  const t = render.t(req);
  reply.code(503).header('cache-control', 'no-store').header('content-type', 'text/html; charset=utf-8').removeHeader('location');
  try {
    const view = (app as unknown as { view: (template: string, ctx: object) => Promise<string> }).view;
    return await view('error.njk', await render.context(req, reply, { title: t('problem.title'), body: t('problem.saveFailed') }));
  } catch {
    return PLAIN_PROBLEM;
  }
}

// The last resort, when even the page layout cannot be rendered: GOV.UK's words, the stylesheet, nothing else.
const PLAIN_PROBLEM = `<!DOCTYPE html><html lang="en" class="govuk-template"><head><meta charset="utf-8"><title>Sorry, there is a problem with the service</title><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/assets/govuk-frontend.min.css"></head><body class="govuk-template__body"><div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content"><h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1><p class="govuk-body">Try again later.</p></main></div></body></html>`;
