import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Service, ServiceAttribute } from '../../core/services/service.ts';
import { PipeworkError, type FieldProblem } from '../../core/errors.ts';
import { submitRequest } from '../../core/requests/submit.ts';
import { joinRequest } from '../../core/requests/join.ts';
import { CLOSED_STATUSES } from '../../core/statuses.ts';
import { validateAttributes, validateDescription, validateEmail } from '../../core/requests/validate.ts';
import { storeUploads } from '../../media/intake.ts';
import { baseUrl } from '../../http/base-url.ts';
import type { WebContext, WebUpload } from '../plugin.ts';
import type { PageError } from '../render.ts';
import { offered } from '../catalogue.ts';
import { attributeMessage, controlFor, joinDate, splitDate, type DateParts } from '../fields.ts';
import { markSent, nextPath, previousPath, questionsOf, readDraft, reportPath, sendKey, sentReport, stepsOf, writeDraft, type Draft } from '../draft.ts';
import { questionView } from '../question-view.ts';
import { isMobile } from '../../core/notifications/decide.ts';
import { checkRows } from '../check-rows.ts';
import { overLimit, WEB_LIMITS } from '../limits.ts';
import { localised } from '../welsh.ts';
import { gridAttributes } from './location.ts';

type Params = { service: string; code?: string };
type Body = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

/**
 * The report journey: one page per question, then details, photo, location,
 * contact, "Check your answers" and confirmation. Each page checks its answer
 * with the core's own validators; the final send goes through submitRequest,
 * exactly as an Open311 POST does.
 */
export async function reportRoutes(app: FastifyInstance, ctx: WebContext) {
  const { store, render, config } = ctx;
  const form = { preHandler: app.csrfProtection };
  const limited = { preHandler: app.csrfProtection, config: ctx.submitLimit };

  async function serviceOf(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply): Promise<Service | undefined> {
    const service = await store.services.get((await render.council(req)).id, req.params.service);
    // On Welsh pages, the pattern's Welsh wherever the council wrote it.
    if (service && offered(service)) return localised(service, render.lang(req));
    const t = render.t(req);
    await render.page(req, reply, 'error.njk', { title: t('notFound.title'), body: t('notFound.service') }, { status: 404 });
    return undefined;
  }
  const changing = (req: FastifyRequest) => (req.query as Body)?.change === '1';
  const action = (req: FastifyRequest) => new URL(req.url, 'http://x').pathname + (changing(req) ? '?change=1' : '');
  const common = (req: FastifyRequest, service: Service, step: string) => ({
    service,
    action: action(req),
    back: previousPath(service, step, changing(req)),
  });

  app.get<{ Params: Params }>('/report/:service', async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (service) return reply.redirect(reportPath(service, stepsOf(service)[0]), 303);
  });

  // ── one page per question ──────────────────────────────────────────────
  const questionOf = (service: Service, code: string | undefined) => questionsOf(service).find((a) => a.code === code);

  async function showQuestion(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, service: Service, a: ServiceAttribute, value: string | string[] | undefined, parts: DateParts | undefined, errors: PageError[]) {
    const t = render.t(req);
    const q = questionView(a, value, parts, t, errors.length > 0);
    return render.page(req, reply, 'question.njk', { ...common(req, service, `question/${a.code}`), q, errors, title: q.label }, { status: errors.length ? 400 : 200, form: true });
  }

  app.get<{ Params: Params }>('/report/:service/question/:code', async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    const a = questionOf(service, req.params.code);
    if (!a) return reply.callNotFound();
    const draft = readDraft(req.session, service.code);
    return showQuestion(req, reply, service, a, draft.attributes[a.code], draft.dates[a.code] ?? splitDate(str(draft.attributes[a.code])), []);
  });

  app.post<{ Params: Params }>('/report/:service/question/:code', form, async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    const a = questionOf(service, req.params.code);
    if (!a) return reply.callNotFound();
    const body = (req.body ?? {}) as Body;
    const control = controlFor(a);
    let value: string | string[];
    let parts: DateParts | undefined;
    if (control === 'date' || control === 'datetime') {
      parts = { day: str(body['answer-day']), month: str(body['answer-month']), year: str(body['answer-year']), time: str(body['answer-time']) };
      value = joinDate(parts);
    } else if (control === 'checkboxes') value = [...new Set(list(body.answer))]; // a box sent twice is one answer
    else value = str(body.answer);

    // The core's own check, on this one attribute.
    const { answers, problems } = validateAttributes({ ...service, attributes: [a] }, { [a.code]: value });
    if (problems.length) {
      const t = render.t(req);
      const href = parts ? '#answer-day' : '#answer';
      return showQuestion(req, reply, service, a, value, parts, [{ field: 'answer', href, text: attributeMessage(a, value, t, parts) }]);
    }
    const draft = readDraft(req.session, service.code);
    if (answers[a.code] === undefined) delete draft.attributes[a.code];
    else draft.attributes[a.code] = answers[a.code];
    if (parts) draft.dates[a.code] = parts;
    writeDraft(req.session, service.code, draft);
    return reply.redirect(nextPath(service, `question/${a.code}`, changing(req)), 303);
  });

  // ── details ────────────────────────────────────────────────────────────
  app.get<{ Params: Params }>('/report/:service/details', async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    const draft = readDraft(req.session, service.code);
    return render.page(req, reply, 'details.njk', { ...common(req, service, 'details'), description: draft.description ?? '', notes: notesOf(service) }, { form: true });
  });

  app.post<{ Params: Params }>('/report/:service/details', form, async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    const description = str((req.body as Body)?.description);
    const { problems } = validateDescription(description);
    if (problems.length) {
      const errors = [{ field: 'description', href: '#description', text: render.t(req)('error.tooLong', { max: WEB_LIMITS.description }) }];
      return render.page(req, reply, 'details.njk', { ...common(req, service, 'details'), description, notes: notesOf(service), errors }, { status: 400, form: true });
    }
    const draft = readDraft(req.session, service.code);
    draft.description = description.trim() || undefined;
    writeDraft(req.session, service.code, draft);
    return reply.redirect(nextPath(service, 'details', changing(req)), 303);
  });

  // ── photo ──────────────────────────────────────────────────────────────
  const showPhoto = (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, service: Service, draft: Draft, errors: PageError[] = []) =>
    render.page(req, reply, 'photo.njk', { ...common(req, service, 'photo'), photos: draft.photos, limit: sizeText(config.mediaLimitBytes), errors }, { status: errors.length ? 400 : 200, form: true });

  app.get<{ Params: Params }>('/report/:service/photo', async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (service) return showPhoto(req, reply, service, readDraft(req.session, service.code));
  });

  app.post<{ Params: Params }>('/report/:service/photo', limited, async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    const body = (req.body ?? {}) as Body;
    const draft = readDraft(req.session, service.code);
    const t = render.t(req);
    if (str(body.remove)) {
      draft.photos = draft.photos.filter((p) => p.url !== str(body.remove));
      writeDraft(req.session, service.code, draft);
      return reply.redirect(action(req), 303);
    }
    const upload = body.photo as WebUpload | undefined;
    if (upload && typeof upload === 'object' && upload.data?.length) {
      const error = (key: string) => showPhoto(req, reply, service, draft, [{ field: 'photo', href: '#photo', text: t(key, { max: sizeText(config.mediaLimitBytes) }) }]);
      if (upload.tooBig) return error('error.photo.tooBig');
      let paths: string[];
      try {
        paths = await storeUploads(store, [upload]);
      } catch (err) {
        if (err instanceof PipeworkError && err.code === 'INVALID_INPUT') return error('error.photo.wrongType');
        throw err;
      }
      draft.photos = [...draft.photos, ...paths.map((url) => ({ url, name: upload.filename || t('photo.unnamed') }))].slice(-3);
      writeDraft(req.session, service.code, draft);
    }
    return reply.redirect(nextPath(service, 'photo', changing(req)), 303);
  });

  // ── location: routes/location.ts (address lookup, map, nearby reports) ──

  // ── contact details ────────────────────────────────────────────────────
  const showContact = (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, service: Service, values: Partial<Draft>, errors: PageError[] = []) =>
    render.page(req, reply, 'contact.njk', { ...common(req, service, 'contact'), values, errors }, { status: errors.length ? 400 : 200, form: true });

  app.get<{ Params: Params }>('/report/:service/contact', async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (service) return showContact(req, reply, service, readDraft(req.session, service.code));
  });

  app.post<{ Params: Params }>('/report/:service/contact', form, async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    const body = (req.body ?? {}) as Body;
    const values = { firstName: str(body.firstName).trim(), lastName: str(body.lastName).trim(), email: str(body.email).trim(), phone: str(body.phone).trim() };
    // The channels the resident chose: email, text messages, both or neither.
    // A form without the question (a page from before it was asked) keeps email on, as then.
    const wanted = list(body.updates);
    const asked = body.updatesAsked === '1';
    const choice = { emailUpdates: asked ? wanted.includes('email') : true, textUpdates: wanted.includes('sms') };
    const t = render.t(req);
    const labels: Record<string, string> = { firstName: t('contact.firstName'), lastName: t('contact.lastName'), email: t('contact.email'), phone: t('contact.phone') };
    const errors: PageError[] = overLimit(values).map((f) => ({ field: f, href: `#${f}`, text: t('error.tooLongNamed', { field: labels[f], max: WEB_LIMITS[f] }) }));
    if (!errors.some((e) => e.field === 'email') && validateEmail(values.email).length) errors.push({ field: 'email', href: '#email', text: t('error.email') });
    // Email is ticked from the start, so a resident who gave no address is simply not emailed; a text needs a mobile they gave.
    if (!errors.some((e) => e.field === 'phone') && choice.textUpdates && !isMobile(values.phone)) errors.push({ field: 'phone', href: '#phone', text: t('error.updatesMobile') });
    if (errors.length) return showContact(req, reply, service, { ...values, ...choice }, errors);
    const draft = readDraft(req.session, service.code);
    for (const [k, v] of Object.entries(values)) (draft as unknown as Record<string, string | undefined>)[k] = v || undefined;
    Object.assign(draft, choice);
    writeDraft(req.session, service.code, draft);
    return reply.redirect(nextPath(service, 'contact', changing(req)), 303);
  });

  // ── check your answers, then send ──────────────────────────────────────
  const showCheck = (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, service: Service, draft: Draft, errors: PageError[] = []) =>
    render.page(req, reply, 'check.njk', { service, action: action(req), back: previousPath(service, 'check', false), sections: checkRows(service, draft, render.t(req)), joining: !!draft.joining, errors }, { status: errors.length ? 400 : 200, form: true });

  app.get<{ Params: Params }>('/report/:service/check', async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    // Back from the confirmation: the report is sent; show that, not an empty list of answers.
    if (sentReport(req.session, service.code)) return reply.redirect(reportPath(service, 'confirmation'), 303);
    return showCheck(req, reply, service, readDraft(req.session, service.code));
  });

  app.post<{ Params: Params }>('/report/:service/check', limited, async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    // Sent already (a double click, another tab): the same confirmation, no second request.
    if (sentReport(req.session, service.code)) return reply.redirect(reportPath(service, 'confirmation'), 303);
    const draft = readDraft(req.session, service.code);
    const key = sendKey(req.session.id, service.code, draft);
    if (draft.joining) return sendJoin(req, reply, service, draft, key);
    const base = baseUrl(config, req);
    try {
      // Everything here comes from the stored draft, so a repeated send carries exactly the same body.
      const request = await submitRequest(store, {
        jurisdictionId: service.jurisdictionId,
        serviceCode: service.code,
        description: draft.description,
        // A chosen address's UPRN and grid reference travel as FixMyStreet sends them: attributes the core reads into the location.
        attributes: { ...draft.attributes, ...gridAttributes(draft) },
        location: { lat: draft.lat, long: draft.long, address: draft.address, zipcode: draft.postcode, addressId: draft.uprn },
        contact: { firstName: draft.firstName, lastName: draft.lastName, email: draft.email, phone: draft.phone, language: render.lang(req), emailUpdates: draft.emailUpdates !== false, textUpdates: !!draft.textUpdates },
        mediaUrls: draft.photos.map((p) => base + p.url),
        source: 'web',
        idempotencyKey: key,
        // The web's keys belong to the web: a double send has the same key and the same body, so the core gives the first request back.
        clientId: 'web',
      });
      markSent(req.session, service.code, key, { id: request.id, emailed: !!draft.email && draft.emailUpdates !== false, notice: request.serviceNotice ?? '', expectedAt: request.expectedAt?.toISOString() });
      return reply.redirect(reportPath(service, 'confirmation'), 303);
    } catch (err) {
      if (!(err instanceof PipeworkError) || err.code !== 'INVALID_INPUT') throw err;
      return showCheck(req, reply, service, draft, problemsToErrors(service, draft, err.problems, render.t(req)));
    }
  });

  /** "I'm reporting this too": the resident is added to the report's updates and counted, with the same send-once key. */
  async function sendJoin(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, service: Service, draft: Draft, key: string) {
    const joining = draft.joining!;
    const contact = { firstName: draft.firstName, lastName: draft.lastName, email: draft.email, phone: draft.phone, language: render.lang(req), emailUpdates: draft.emailUpdates !== false, textUpdates: !!draft.textUpdates };
    const joined = await joinRequest(store, { requestId: joining.id, jurisdictionId: service.jurisdictionId, contact, key }, [...CLOSED_STATUSES]);
    if (!joined) {
      // Closed (or gone) since it was shown: the resident can send their own report instead.
      delete draft.joining;
      writeDraft(req.session, service.code, draft);
      return showCheck(req, reply, service, draft, [{ field: 'join', href: reportPath(service, 'check'), text: render.t(req)('join.closed', { reference: joining.reference }) }]);
    }
    markSent(req.session, service.code, key, { id: joined.requestId, emailed: !!draft.email && draft.emailUpdates !== false, notice: '', joined: true });
    return reply.redirect(reportPath(service, 'confirmation'), 303);
  }

  app.get<{ Params: Params }>('/report/:service/confirmation', async (req, reply) => {
    const service = await serviceOf(req, reply);
    if (!service) return;
    const submitted = sentReport(req.session, service.code);
    if (!submitted) return reply.redirect('/', 303);
    const reference = await ctx.references.of(submitted.id);
    // The notice as the service gives it in this language (the request keeps the English one).
    const notice = render.lang(req) === 'cy' && submitted.notice ? (service.serviceNotice ?? submitted.notice) : submitted.notice;
    return render.page(req, reply, 'confirmation.njk', { service, submitted: { ...submitted, notice }, reference, expectedAt: submitted.expectedAt ? new Date(submitted.expectedAt) : undefined });
  });

  /** Problems the core found at the final send, each linked to the page where it can be put right. */
  function problemsToErrors(service: Service, draft: Draft, problems: FieldProblem[], t: ReturnType<typeof render.t>): PageError[] {
    return problems.map((p) => {
      const code = /^attribute\[(.+)\]$/.exec(p.field)?.[1];
      const a = code ? questionOf(service, code) : undefined;
      if (a) {
        const href = `${reportPath(service, `question/${a.code}`)}?change=1`;
        const message = attributeMessage(a, draft.attributes[a.code] ?? '', t, draft.dates[a.code]);
        // A pattern's own message names the question already; a generic one needs the question in front.
        const own = message === a.errorMessages?.required || message === a.errorMessages?.invalid;
        return { field: p.field, href, text: own ? message : `${a.description}: ${message}` };
      }
      if (p.field === 'description') return { field: p.field, href: `${reportPath(service, 'details')}?change=1`, text: t('error.tooLong', { max: WEB_LIMITS.description }) };
      if (p.field === 'email') return { field: p.field, href: `${reportPath(service, 'contact')}?change=1`, text: t('error.email') };
      if (['lat', 'long', 'location'].includes(p.field)) return { field: p.field, href: `${reportPath(service, 'location')}?change=1`, text: t('error.location.required') };
      return { field: p.field, href: reportPath(service, 'check'), text: t('error.invalid') };
    });
  }
}

/** A file size as residents read it: "10MB", "500KB". */
export const sizeText = (bytes: number) => (bytes >= 1048576 ? `${Math.round((bytes / 1048576) * 10) / 10}MB` : `${Math.ceil(bytes / 1024)}KB`);

/** Attributes that only inform (Open311 `variable: false`) are shown as notes, not asked. */
const notesOf = (service: Service) => service.attributes.filter((a) => !a.variable).map((a) => a.description);
