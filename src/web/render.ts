import type { FastifyReply, FastifyRequest } from 'fastify';
import { councilName as nameIn, normaliseHost, type Council } from '../core/councils/council.ts';
import type { Store } from '../core/store.ts';
import { isLang, translator, type Catalogue, type Lang, type Translate } from './i18n.ts';

/** One field's error: shown in the summary (linking to `href`) and by the field. */
export interface PageError {
  field: string;
  href: string;
  text: string;
}

const LOCALES: Record<Lang, string> = { en: 'en-GB', cy: 'cy-GB' };

/** Dates as residents read them, in the council's time zone: "3 March 2026 at 2:30pm". */
export function dateFormatter(lang: Lang) {
  const day = new Intl.DateTimeFormat(LOCALES[lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
  const time = new Intl.DateTimeFormat(LOCALES[lang], { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: 'Europe/London' });
  return (d: Date | undefined, withTime = false) =>
    d ? (withTime ? `${day.format(d)}, ${time.format(d).replace(/\s/g, '').toLowerCase()}` : day.format(d)) : '';
}

export interface Renderer {
  /** Renders a page with the layout's shared context; `form` adds a CSRF token. */
  page(req: FastifyRequest, reply: FastifyReply, template: string, ctx: Record<string, unknown>, opts?: { status?: number; form?: boolean }): Promise<FastifyReply>;
  t(req: FastifyRequest): Translate;
  lang(req: FastifyRequest): Lang;
  /** The council this request's Host names, else WEB_JURISDICTION, else the first; a nameless stand-in (id `none`) when there is none. */
  council(req: FastifyRequest): Promise<Council>;
  /** The context `page` gives a template, for rendering outside a route (a page replacing a failed reply). */
  context(req: FastifyRequest, reply: FastifyReply, ctx: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/**
 * The shared page context: language and its switch, the council's name, the
 * CSP nonce for govuk-frontend's inline script, and errors in the two shapes
 * the GOV.UK components take (summary list and per-field message).
 */
export function renderer(opts: { store: Store; catalogues: Record<Lang, Catalogue>; jurisdictionId: string; feedbackUrl?: string }): Renderer {
  const translators = { en: translator(opts.catalogues, 'en'), cy: translator(opts.catalogues, 'cy') };
  // The last council read for each host, for pages rendered while the database is down.
  const lastGood = new Map<string, Council>();
  const NONE: Council = { id: opts.jurisdictionId || 'none', name: '', hosts: [], settings: {}, version: 0 };

  const lang = (req: FastifyRequest): Lang => {
    const l = req.session?.get('lang');
    return isLang(l) ? l : 'en';
  };

  // The council heads every page, error pages included: during a database
  // outage they use the last one read for the host (or none) rather than failing themselves.
  const councilOrLast = (req: FastifyRequest) => council(req).catch(() => lastGood.get(normaliseHost(req.host ?? '')) ?? NONE);

  // Several councils on one install: each claims its hosts (npx pipework councils set ID --hosts …).
  // The store caches these reads (docs/decisions/0041).
  async function council(req: FastifyRequest): Promise<Council> {
    const host = normaliseHost(req.host ?? '');
    const value =
      (host && (await opts.store.councils.byHost(host))) ||
      (await opts.store.councils.list().then((all) => (opts.jurisdictionId ? all.find((c) => c.id === opts.jurisdictionId) : all[0]))) ||
      NONE;
    if (lastGood.size > 1000) lastGood.clear();
    lastGood.set(host, value);
    return value;
  }

  const switchHref = (req: FastifyRequest, to: Lang) => {
    const url = new URL(req.url, 'http://x');
    url.searchParams.set('lang', to);
    return url.pathname + url.search;
  };

  return {
    t: (req) => translators[lang(req)],
    lang,
    council,
    async page(req, reply, template, ctx, { status = 200, form = false } = {}) {
      return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').view(template, await context(req, reply, ctx, form));
    },
    context: (req, reply, ctx) => context(req, reply, ctx, false),
  };

  async function context(req: FastifyRequest, reply: FastifyReply, ctx: Record<string, unknown>, form: boolean) {
    const l = lang(req);
    const t = translators[l];
    const errors = (ctx.errors as PageError[] | undefined) ?? [];
    const council = await councilOrLast(req);
    const fieldErrors = Object.fromEntries(errors.map((e) => [e.field, { text: e.text, visuallyHiddenText: t('error.prefix') }]));
    return {
      t,
      lang: l,
      council,
      councilName: nameIn(council, l),
      notSetUp: council === NONE,
      cspNonce: (reply as unknown as { cspNonce?: { script: string } }).cspNonce?.script,
      cspStyleNonce: (reply as unknown as { cspNonce?: { style: string } }).cspNonce?.style,
      csrfToken: form ? reply.generateCsrf() : undefined,
      languages: [
        { text: 'English', lang: 'en', href: l === 'en' ? undefined : switchHref(req, 'en'), current: l === 'en' },
        { text: 'Cymraeg', lang: 'cy', href: l === 'cy' ? undefined : switchHref(req, 'cy'), current: l === 'cy' },
      ],
      currentPath: new URL(req.url, 'http://x').pathname,
      feedbackUrl: opts.feedbackUrl || '/feedback',
      formatDate: dateFormatter(l),
      ...ctx,
      errors: errors.map((e) => ({ text: e.text, href: e.href })),
      fieldErrors,
    };
  }
}
