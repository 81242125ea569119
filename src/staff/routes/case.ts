import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import type { Contact } from '../../core/requests/request.ts';
import { PipeworkError } from '../../core/errors.ts';
import { STATUSES } from '../../core/statuses.ts';
import { processState } from '../../core/process/rules.ts';
import { caseOwner } from '../../core/cases/owner.ts';
import { markDuplicate } from '../../core/cases/duplicate.ts';
import { assignCase, assignToFrom, caseFor, changeStatus, internalNote, publicReply, teamsOf, viewContact, viewJoiners } from '../../core/cases/work.ts';
import type { Joiner } from '../../core/requests/join.ts';
import { residentsReporting } from '../../core/requests/join.ts';
import { can } from '../../core/staff/roles.ts';
import { actorOf } from '../identity.ts';
import { fillTemplate, templatesFitting } from '../../core/replies/templates.ts';
import type { Store } from '../../core/store.ts';
import type { ServiceRequest } from '../../core/requests/request.ts';
import { page, type PageError } from '../render.ts';
import { statusLabeller } from '../labels.ts';
import { timeline } from '../timeline.ts';

type Params = { Params: { id: string } };

/** The case view at /staff/requests/{id} and its actions (POST, then redirect back: Post/Redirect/Get). */
export async function caseRoutes(app: FastifyInstance, { store, clock }: StaffContext) {
  app.get<Params & { Querystring: { contact?: string; template?: string } }>('/requests/:id', { config: { ability: 'case.view' } }, async (req, reply) => {
    const actor = actorOf(req);
    const request = await caseFor(store, actor, req.params.id);
    const [service, state, updates, deliveries, owner, assignedTo, staff, assignments, duplicateOf, duplicates, messages, joinCounts] = await Promise.all([
      store.services.get(actor.jurisdictionId, request.serviceCode),
      processState(store, request, clock.now()),
      store.requests.history(actor.jurisdictionId, request.id, { internal: true }),
      store.deliveries.forRequest(request.id),
      caseOwner(store, request.id),
      store.staff.assignments.of(actor.jurisdictionId, request.id),
      store.staff.users.list(actor.jurisdictionId),
      store.staff.audit.list({ jurisdictionId: actor.jurisdictionId, requestId: request.id, actions: ['case.assign'], limit: 200 }),
      store.staff.duplicates.originalOf(actor.jurisdictionId, request.id),
      store.staff.duplicates.of(actor.jurisdictionId, request.id),
      store.notifications.forRequest(request.id),
      store.joiners.counts([request.id]),
    ]);
    const templates = can(actor.role, 'case.reply') ? await replyTemplateChoices(store, actor.jurisdictionId, request, service?.name ?? request.serviceCode, req.staff?.council?.name ?? actor.jurisdictionId) : [];
    const chosen = templates.find((t) => t.value === req.query.template);
    const label = statusLabeller(service);
    const withAttempts = await Promise.all(deliveries.map(async (d) => ({ ...d, attemptList: await store.deliveries.attempts(d.id) })));
    let contact: Contact | undefined;
    const showContact = req.query.contact === 'show' && can(actor.role, 'contact.view');
    let joiners: Joiner[] = [];
    if (showContact) [contact, joiners] = await Promise.all([viewContact(store, clock, actor, request.id), viewJoiners(store, clock, actor, request.id)]);
    const officers = staff.filter((u) => !u.disabledAt && can(u.roles.find((r) => r.jurisdictionId === actor.jurisdictionId)?.role, 'case.status'));
    const formError = req.staffSession.get<PageError & { value?: string }>('formError');
    if (formError) req.staffSession.delete('formError');
    // Without a pattern any status may follow; with one, only what its process allows from here.
    const next = state ? state.next : STATUSES.filter((s) => s !== request.status).map((s) => ({ status: s, label: label(s), notify: false }));
    const answers = (service?.attributes ?? [])
      .filter((a) => a.variable && request.attributes[a.code] !== undefined)
      .sort((a, b) => a.order - b.order)
      .map((a) => {
        const v = request.attributes[a.code];
        const keys = Array.isArray(v) ? v : [v];
        return { question: a.description, answer: keys.map((k) => a.values?.find((x) => x.key === k)?.name ?? k).join(', ') };
      });
    const loc = request.location;
    const whereLines = [loc.address, loc.zipcode, loc.lat !== undefined && loc.long !== undefined ? `Latitude ${loc.lat}, longitude ${loc.long}` : undefined, loc.uprn ? `UPRN ${loc.uprn}` : undefined].filter(Boolean);
    return page(req, reply, 'case.njk', {
      title: `Request ${request.id}`,
      whereLines,
      request,
      service,
      serviceName: service?.name ?? request.serviceCode,
      statusLabel: state?.label ?? label(request.status),
      state,
      next,
      canReopen: next.some((n) => n.status === 'reopen'),
      duplicateOf,
      duplicates,
      owner,
      assignee: assignedTo?.userId ? staff.find((u) => u.id === assignedTo.userId) : undefined,
      assignedTeam: assignedTo?.team,
      officers,
      teams: teamsOf(staff, actor.jurisdictionId),
      answers,
      contact,
      joiners,
      residents: residentsReporting(joinCounts.get(request.id) ?? 0),
      showContact,
      mayViewContact: can(actor.role, 'contact.view'),
      items: timeline({ updates, deliveries: withAttempts, assignments, messages, label }),
      errors: formError ? [formError] : [],
      formValue: formError?.value,
      templates,
      chosenTemplate: chosen?.value,
      replyValue: formError?.field === 'reply' ? formError.value : chosen?.text ?? '',
    });
  });

  /** Runs an action; a mistake the user can fix comes back to the case page as an error summary. */
  const act = (field: string, run: (req: FastifyRequest<Params>) => Promise<string>) => async (req: FastifyRequest<Params>, reply: FastifyReply) => {
    const back = `/staff/requests/${encodeURIComponent(req.params.id)}`;
    try {
      req.staffSession.set('flash', await run(req));
    } catch (err) {
      if (!(err instanceof PipeworkError) || !['INVALID_INPUT', 'TRANSITION_NOT_ALLOWED'].includes(err.code)) throw err;
      const f = err.problems[0]?.field ?? field;
      const value = (req.body as Record<string, unknown> | undefined)?.[field];
      req.staffSession.set('formError', { field: f, href: `#${f}`, text: err.problems[0]?.message ?? err.message, value: typeof value === 'string' ? value.slice(0, 4000) : undefined });
      return reply.redirect(`${back}#${f}`, 303);
    }
    return reply.redirect(back, 303);
  };
  const body = (req: FastifyRequest, key: string) => String((req.body as Record<string, unknown> | undefined)?.[key] ?? '');

  app.post<Params>('/requests/:id/status', { config: { ability: 'case.status' } }, act('status', async (req) => {
    const u = await changeStatus(store, clock, actorOf(req), req.params.id, { status: body(req, 'status'), note: body(req, 'note'), seen: body(req, 'seen') });
    return `Status changed to “${u.status.replace(/_/g, ' ')}”.`;
  }));
  app.post<Params>('/requests/:id/reply', { config: { ability: 'case.reply' } }, act('reply', async (req) => {
    await publicReply(store, clock, actorOf(req), req.params.id, body(req, 'reply'));
    return 'Your reply is published: the resident can read it.';
  }));
  app.post<Params>('/requests/:id/note', { config: { ability: 'case.note' } }, act('note', async (req) => {
    await internalNote(store, clock, actorOf(req), req.params.id, body(req, 'note'));
    return 'Internal note added. Residents cannot see it.';
  }));
  app.post<Params>('/requests/:id/duplicate', { config: { ability: 'case.status' } }, act('original', async (req) => {
    const original = body(req, 'original').trim();
    await markDuplicate(store, clock, actorOf(req), req.params.id, { original });
    return `Marked as a duplicate of request ${original.replace(/^#/, '')}. It is closed and its resident is told.`;
  }));
  app.post<Params>('/requests/:id/assign', { config: { ability: 'case.assign' } }, act('assignee', async (req) => {
    const actor = actorOf(req);
    const raw = body(req, 'assignee');
    const to = assignToFrom(raw === 'me' ? actor.userId : raw);
    await assignCase(store, clock, actor, req.params.id, to, body(req, 'reason'));
    return to ? 'Case assigned.' : 'Case unassigned.';
  }));
}

/**
 * The council's reply templates that fit the request's service and status,
 * filled in for it: one choice per language written (value `id` or `id:cy`).
 */
async function replyTemplateChoices(store: Store, jurisdictionId: string, request: ServiceRequest, serviceName: string, councilName: string) {
  const fitting = templatesFitting(await store.replyTemplates.list(jurisdictionId), request.serviceCode, request.status);
  if (!fitting.length) return [];
  const welshNeeded = fitting.some((t) => t.bodyCy);
  const [council, service] = welshNeeded ? await Promise.all([store.councils.get(jurisdictionId), store.services.get(jurisdictionId, request.serviceCode)]) : [];
  const en = { reference: request.id, service: serviceName, council: councilName };
  const cy = { reference: request.id, service: service?.welsh?.name ?? serviceName, council: council?.welshName ?? councilName };
  return fitting.flatMap((t) => [
    { value: t.id, name: t.name, text: fillTemplate(t, false, en) },
    ...(t.bodyCy ? [{ value: `${t.id}:cy`, name: `${t.name} (Cymraeg)`, text: fillTemplate(t, true, cy) }] : []),
  ]);
}
