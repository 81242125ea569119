import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import type { AdminArea } from './index.ts';
import type { Service } from '../../core/services/service.ts';
import { PipeworkError } from '../../core/errors.ts';
import { setServiceActive } from '../../core/services/retire.ts';
import { actorOf } from '../identity.ts';
import { page, type PageError } from '../render.ts';
import { field, recordAdmin } from './audit.ts';
import { starterLibrary } from '../../patterns/library.ts';
import { compareVersions } from '../../patterns/semver.ts';
import { adoptPattern, serviceFromPattern } from '../../patterns/adopt.ts';
import { applyWording, fingerprint, pendingChanges, publishServiceVersion, saveServiceDraft, serviceVersions, type WordingEdit } from '../../patterns/edit.ts';
import { asServicePattern, SEMVER, SLUG, type ServicePattern } from '../../patterns/schema.ts';
import { questionView } from '../../web/question-view.ts';
import { askable } from '../../web/fields.ts';
import { localised } from '../../web/welsh.ts';
import { loadCatalogues, translator, type Lang } from '../../web/i18n.ts';

type Params = { code: string };
const CODE = /^[A-Za-z0-9_-]{1,64}$/;
const shown = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const fieldId = (name: string) => name.replace(/[^\w-]/g, '-');

/** The resident's questions of a service, drawn as the resident web draws them, in one language. */
function residentView(service: Service, lang: Lang, t: ReturnType<typeof translator>) {
  const s = localised(service, lang);
  return {
    name: s.name,
    notice: s.serviceNotice,
    questions: s.attributes
      .filter(askable)
      .sort((a, b) => a.order - b.order)
      .map((a) => ({ code: a.code, id: `preview-${lang}-${fieldId(a.code)}`, view: questionView(a, undefined, undefined, t, false), required: a.errorMessages?.required, invalid: a.errorMessages?.invalid })),
  };
}

/** The edit form's fields: every question's and status's wording in both languages. */
function editFields(p: ServicePattern) {
  return {
    name: p.name,
    nameCy: p.cy?.name ?? '',
    questions: p.questions
      .filter((q) => (q.variable ?? true) && !q.automated)
      .map((q) => ({ q, cy: p.cy?.questions?.[q.code] }))
      .map(({ q, cy: qcy }) => ({
        code: q.code,
        fields: [
          ['description', 'Question', q.description, qcy?.description],
          ['hint', 'Hint', q.hint, qcy?.hint],
          ['required', 'Error when not answered', q.error_messages?.required, qcy?.error_messages?.required],
          ['invalid', 'Error when the answer is not in the right form', q.error_messages?.invalid, qcy?.error_messages?.invalid],
        ].map(([key, label, en, cy]) => ({ label, en: { name: `q.${q.code}.${key}`, id: fieldId(`q-${q.code}-${key}`), value: en ?? '' }, cy: { name: `q.${q.code}.${key}Cy`, id: fieldId(`q-${q.code}-${key}-cy`), value: cy ?? '' } }))
          // Answers by position: a key may hold any character, a field name should not.
          .concat((q.values ?? []).map((v, i) => ({ label: `Answer "${v.key}"`, en: { name: `q.${q.code}.v.${i}`, id: fieldId(`q-${q.code}-v-${i}`), value: v.name }, cy: { name: `q.${q.code}.v.${i}.cy`, id: fieldId(`q-${q.code}-v-${i}-cy`), value: qcy?.values?.[v.key] ?? '' } }))),
      })),
    statuses: p.process.statuses.map((s) => ({
      status: s.status,
      en: { name: `s.${s.status}.label`, id: fieldId(`s-${s.status}-label`), value: s.label },
      cy: { name: `s.${s.status}.labelCy`, id: fieldId(`s-${s.status}-label-cy`), value: p.cy?.status_labels?.[s.status] ?? '' },
      // What the status means, shown on the tracking page and in residents' messages; the Welsh is in the pattern's `cy`.
      descriptionEn: { name: `s.${s.status}.description`, id: fieldId(`s-${s.status}-description`), value: s.description ?? '' },
      descriptionCy: { name: `s.${s.status}.descriptionCy`, id: fieldId(`s-${s.status}-description-cy`), value: p.cy?.status_descriptions?.[s.status] ?? '' },
    })),
  };
}

/** The posted form as a wording edit; answers are posted by position and read back by key. */
function editOf(body: unknown, p: ServicePattern): WordingEdit {
  const given = (name: string) => (body && typeof body === 'object' && name in body ? field(body, name) : undefined);
  const edit: WordingEdit = { name: given('name'), nameCy: given('nameCy'), questions: {}, statuses: {} };
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    const value = Array.isArray(v) ? String(v[0]) : String(v);
    const q = /^q\.([A-Za-z0-9_-]{1,64})\.(description|descriptionCy|hint|hintCy|required|requiredCy|invalid|invalidCy)$/.exec(k);
    if (q) (edit.questions![q[1]] ??= {})[q[2] as 'hint'] = value;
    const a = /^q\.([A-Za-z0-9_-]{1,64})\.v\.(\d{1,3})(\.cy)?$/.exec(k);
    const key = a && p.questions.find((x) => x.code === a[1])?.values?.[Number(a[2])]?.key;
    if (a && key != null) (((edit.questions![a[1]] ??= {}).values ??= {})[key] ??= {})[a[3] ? 'nameCy' : 'name'] = value;
    const s = /^s\.([a-z_]{1,40})\.(label|labelCy|description|descriptionCy)$/.exec(k);
    if (s) (edit.statuses![s[1]] ??= {})[s[2] as 'label'] = value;
  }
  return edit;
}

/** Problems from the pattern validator, on the form fields they came from. */
function formErrors(err: PipeworkError, p: ServicePattern): PageError[] {
  return err.problems.map((pr) => {
    const v = /^questions\[(\d+)\]\.values\[(\d+)\]\.name/.exec(pr.field);
    if (v) return { field: `q.${p.questions[Number(v[1])]?.code}.v.${v[2]}`, href: `#${fieldId(`q-${p.questions[Number(v[1])]?.code}-v-${v[2]}`)}`, text: 'Enter the English answer: it cannot be blank' };
    const q = /^questions\[(\d+)\]\.(description|hint|error_messages\.(required|invalid))/.exec(pr.field);
    const s = /^process\.statuses\[(\d+)\]\.label/.exec(pr.field);
    const name = q ? `q.${p.questions[Number(q[1])]?.code}.${q[3] ?? q[2]}` : s ? `s.${p.process.statuses[Number(s[1])]?.status}.label` : pr.field === 'name' ? 'name' : pr.field;
    const blank = /fewer than 1|at least 1|minLength|must NOT have fewer|empty/i.test(pr.message);
    return { field: name, href: `#${fieldId(name.replace(/\./g, '-'))}`, text: blank ? 'Enter the English text: it cannot be blank' : pr.message };
  });
}

/**
 * Services and patterns: the council's services, adopting one from the
 * pattern library, editing its wording in English and Welsh as a draft
 * version, previewing the resident journey, publishing with the changes
 * shown first, and retiring. Same use cases as `npx pipework patterns` and
 * the admin API (src/patterns/).
 */
async function serviceRoutes(app: FastifyInstance, ctx: StaffContext) {
  const { store } = ctx;
  const catalogues = loadCatalogues();
  const t = { en: translator(catalogues, 'en'), cy: translator(catalogues, 'cy') };
  const council = (req: FastifyRequest) => actorOf(req).jurisdictionId;
  const validCode = (code: string) => {
    if (!CODE.test(code)) throw new PipeworkError('SERVICE_NOT_FOUND', `No service "${code}"`);
    return code;
  };

  app.get('/services', async (req, reply) => {
    const j = council(req);
    const services = await store.services.list(j);
    const drafts = new Set((await store.patterns.list(j)).filter((p) => p.lifecycle === 'draft').map((p) => p.id));
    return page(req, reply, 'admin/services.njk', {
      title: 'Services',
      services: services.map((s) => ({ ...s, draft: !!s.pattern && drafts.has(s.pattern.id) })),
    });
  });

  app.get('/services/adopt', async (req, reply) => {
    const j = council(req);
    const have = new Set((await store.services.list(j)).map((s) => s.pattern?.id).filter(Boolean));
    // The council's own library (patterns shared by other councils, its own versions) and the starter library, newest version of each.
    const own = (await store.patterns.list(j)).filter((p) => p.lifecycle === 'published').map((p) => asServicePattern(p.document));
    const byId = new Map<string, ServicePattern>();
    for (const p of [...(await starterLibrary()), ...own]) if (!byId.has(p.id) || compareVersions(p.version, byId.get(p.id)!.version) > 0) byId.set(p.id, p);
    const library = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name)).map((p) => ({ id: p.id, version: p.version, name: p.name, description: p.description, adopted: have.has(p.id) }));
    return page(req, reply, 'admin/adopt.njk', { title: 'Adopt a service from the pattern library', library });
  });

  /** The newest published version in the council's library or the starter library (or the one named). */
  const libraryPattern = async (j: string, id: string, version?: string): Promise<ServicePattern | undefined> => {
    if (!new RegExp(SLUG).test(id) || (version !== undefined && !new RegExp(SEMVER).test(version))) return undefined;
    const own = (await store.patterns.versions(j, id)).filter((p) => p.lifecycle === 'published' && (!version || p.version === version)).map((p) => asServicePattern(p.document));
    const starter = (await starterLibrary()).filter((p) => p.id === id && (!version || p.version === version));
    return [...own, ...starter].sort((a, b) => compareVersions(b.version, a.version))[0];
  };
  const showAdopt = async (req: FastifyRequest, reply: FastifyReply, id: string, errors: PageError[] = [], code?: string, version?: string) => {
    const p = await libraryPattern(council(req), id, version);
    if (!p) throw new PipeworkError('PATTERN_NOT_FOUND', `No pattern "${id}" in the library`);
    const service = serviceFromPattern(p, council(req), code || p.id);
    return page(req, reply, 'admin/adopt-preview.njk', {
      title: `Adopt ${p.name}`,
      pattern: p,
      code: code ?? p.id,
      existing: !!(await store.services.get(council(req), code || p.id)),
      preview: residentView(service, 'en', t.en),
      statuses: p.process.statuses,
      errors,
    }, errors.length ? 400 : 200);
  };
  app.get<{ Params: { id: string } }>('/services/adopt/:id', async (req, reply) => showAdopt(req, reply, req.params.id));
  app.post<{ Params: { id: string } }>('/services/adopt/:id', async (req, reply) => {
    const code = field(req.body, 'code').trim();
    // The version previewed is the version adopted.
    const version = field(req.body, 'version') || undefined;
    if (!CODE.test(code)) return showAdopt(req, reply, req.params.id, [{ field: 'code', href: '#code', text: 'Enter a service code of letters, digits, - and _ (at most 64)' }], code, version);
    if (!(await libraryPattern(council(req), req.params.id, version))) throw new PipeworkError('PATTERN_NOT_FOUND', `No pattern "${req.params.id}" in the library`);
    const before = await store.services.get(council(req), code);
    const s = await adoptPattern(store, council(req), req.params.id, { serviceCode: code, version });
    await recordAdmin(ctx, req, 'service.adopt', { before: before?.pattern ? `${code}: ${before.pattern.id}@${before.pattern.version}` : undefined, after: `${code}: ${s.pattern!.id}@${s.pattern!.version}` });
    req.staffSession.set('flash', `${s.name} is now a service of ${req.staff?.council?.name ?? 'the council'}, following ${s.pattern!.id}@${s.pattern!.version}.`);
    return reply.redirect(`/staff/admin/services/${encodeURIComponent(code)}`, 303);
  });

  app.get<{ Params: Params }>('/services/:code', async (req, reply) => {
    const code = validCode(req.params.code);
    const service = await store.services.get(council(req), code);
    if (!service) throw new PipeworkError('SERVICE_NOT_FOUND', `No service "${code}"`);
    const versions = service.pattern ? await serviceVersions(store, council(req), code) : undefined;
    const route = await store.routing.get(council(req), code);
    return page(req, reply, 'admin/service.njk', { title: service.name, service, draft: versions?.draft, route });
  });

  const showEdit = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, errors: PageError[] = [], posted?: ServicePattern) => {
    const code = validCode(req.params.code);
    const v = await serviceVersions(store, council(req), code);
    const p = posted ?? v.draft ?? v.current;
    const basedOn = posted ? field(req.body, 'basedOn') : fingerprint(v.draft);
    return page(req, reply, 'admin/service-edit.njk', { title: `Edit the wording of ${v.service.name}`, service: v.service, version: v.draft?.version, form: editFields(p), basedOn, errors }, errors.length ? 400 : 200);
  };
  app.get<{ Params: Params }>('/services/:code/edit', async (req, reply) => showEdit(req, reply));
  app.post<{ Params: Params }>('/services/:code/edit', async (req, reply) => {
    const code = validCode(req.params.code);
    const base = await serviceVersions(store, council(req), code);
    const edit = editOf(req.body, base.draft ?? base.current);
    try {
      const draft = await saveServiceDraft(store, council(req), code, edit, ctx.clock.now(), field(req.body, 'basedOn') || undefined);
      await recordAdmin(ctx, req, 'service.edit', { after: `${code}: draft ${draft.id}@${draft.version}` });
      req.staffSession.set('flash', `Saved as draft version ${draft.version}. Residents see it once you publish it.`);
      return reply.redirect(`/staff/admin/services/${encodeURIComponent(code)}/preview`, 303);
    } catch (e) {
      if (!(e instanceof PipeworkError) || e.code !== 'INVALID_INPUT' || !e.problems.length) throw e;
      // Someone else's edit: show theirs, with the message, rather than overwrite it.
      if (e.problems[0].field === 'draft') return showEdit(req, reply, [{ field: 'draft', href: '#name', text: e.message }]);
      const v = await serviceVersions(store, council(req), code);
      const posted = applyWording(v.draft ?? v.current, edit);
      return showEdit(req, reply, formErrors(e, posted), posted);
    }
  });

  app.get<{ Params: Params; Querystring: { version?: string } }>('/services/:code/preview', async (req, reply) => {
    const code = validCode(req.params.code);
    const v = await serviceVersions(store, council(req), code);
    const showCurrent = req.query.version === 'current' || !v.draft;
    const p = showCurrent ? v.current : v.draft!;
    const service = serviceFromPattern(p, council(req), code, v.service);
    return page(req, reply, 'admin/service-preview.njk', {
      title: `Preview ${v.service.name}`,
      service: v.service,
      version: p.version,
      isDraft: !showCurrent,
      hasDraft: !!v.draft,
      languages: [
        { lang: 'en', heading: 'In English', ...residentView(service, 'en', t.en) },
        { lang: 'cy', heading: 'In Welsh (Cymraeg)', ...residentView(service, 'cy', t.cy) },
      ],
    });
  });

  app.get<{ Params: Params }>('/services/:code/publish', async (req, reply) => {
    const code = validCode(req.params.code);
    const { versions, changes } = await pendingChanges(store, council(req), code);
    return page(req, reply, 'admin/service-publish.njk', {
      title: `Publish a new version of ${versions.service.name}`,
      service: versions.service,
      current: versions.current.version,
      draft: versions.draft?.version,
      reviewed: fingerprint(versions.draft),
      changes: changes.map((c) => ({ kind: c.kind, path: c.path, before: shown(c.before), after: shown(c.after) })),
    });
  });
  app.post<{ Params: Params }>('/services/:code/publish', async (req, reply) => {
    const code = validCode(req.params.code);
    const done = await publishServiceVersion(store, council(req), code, field(req.body, 'version'), ctx.clock.now(), field(req.body, 'reviewed') || undefined);
    await recordAdmin(ctx, req, 'service.publish', { before: done.from, after: done.to });
    req.staffSession.set('flash', `Published ${done.to}: new requests for ${done.service.name} follow it.`);
    return reply.redirect(`/staff/admin/services/${encodeURIComponent(code)}`, 303);
  });

  app.post<{ Params: Params }>('/services/:code/active', async (req, reply) => {
    const code = validCode(req.params.code);
    const active = field(req.body, 'active') === 'true';
    const { before, after } = await setServiceActive(store, council(req), code, active);
    await recordAdmin(ctx, req, active ? 'service.restore' : 'service.retire', { before: `${code}: ${before.active ? 'active' : 'retired'}`, after: `${code}: ${after.active ? 'active' : 'retired'}` });
    req.staffSession.set('flash', active ? `${after.name} takes requests again.` : `${after.name} is retired: residents no longer see it; requests already made carry on.`);
    return reply.redirect(`/staff/admin/services/${encodeURIComponent(code)}`, 303);
  });
}

export const servicesArea: AdminArea = {
  path: 'services',
  title: 'Services',
  summary: 'Adopt services from the pattern library, edit their questions and labels in English and Welsh, preview, publish and retire them.',
  routes: serviceRoutes,
};
