import type { Store } from '../store.ts';
import type { Clock } from '../clock.ts';
import { PipeworkError, invalid, type FieldProblem } from '../errors.ts';
import { isStatus, type Status } from '../statuses.ts';

/**
 * A council's ready-made words for the public reply on a case: offered on
 * the case page for the services and statuses it fits (none listed: every
 * one), in English and optionally Welsh. `{reference}`, `{service}` and
 * `{council}` are filled in on the server when it is chosen.
 */
export interface ReplyTemplate {
  id: string;
  jurisdictionId: string;
  name: string;
  body: string;
  bodyCy?: string;
  serviceCodes: string[];
  statuses: Status[];
  updatedAt: Date;
}

export type ReplyTemplateInput = Omit<ReplyTemplate, 'id' | 'updatedAt'> & { id?: string; updatedAt: Date };

/** Storage port; a save that would take another template's name says so instead of writing. */
export interface ReplyTemplateStore {
  list(jurisdictionId: string): Promise<ReplyTemplate[]>;
  get(jurisdictionId: string, id: string): Promise<ReplyTemplate | undefined>;
  save(t: ReplyTemplateInput): Promise<{ ok: true; template: ReplyTemplate } | { ok: false; problem: 'name' | 'missing' }>;
  remove(jurisdictionId: string, id: string): Promise<boolean>;
}

/** Who is changing the templates (an admin of the council), for the audit log. */
export interface TemplateActor {
  userId: string;
  email: string;
  jurisdictionId: string;
}

export const PLACEHOLDERS = ['reference', 'service', 'council'] as const;
const NAME_MAX = 100;
const BODY_MAX = 4000;

const unknownPlaceholder = (text: string) => [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]).find((p) => !(PLACEHOLDERS as readonly string[]).includes(p));

function checkBody(field: string, raw: string | undefined, required: boolean, problems: FieldProblem[]): string | undefined {
  const t = (raw ?? '').replace(/\r\n/g, '\n').trim();
  if (!t) {
    if (required) problems.push({ field, message: 'Enter the text of the reply' });
    return undefined;
  }
  if (t.length > BODY_MAX) problems.push({ field, message: `The text must be ${BODY_MAX} characters or fewer` });
  const bad = unknownPlaceholder(t);
  if (bad !== undefined) problems.push({ field, message: `“{${bad}}” is not a placeholder: use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}` });
  return t;
}

/**
 * Adds a reply template, or changes one (with `id`). Services must be the
 * council's; statuses Open311's. Audited as `template.save`.
 *
 * @example await saveReplyTemplate(store, clock, admin, { name: 'Pothole fixed', body: 'We have repaired the pothole you reported ({reference}).', serviceCodes: ['pothole'], statuses: ['fixed'] })
 */
export async function saveReplyTemplate(store: Store, clock: Clock, actor: TemplateActor, input: { id?: string; name: string; body: string; bodyCy?: string; serviceCodes: string[]; statuses: string[] }): Promise<ReplyTemplate> {
  const problems: FieldProblem[] = [];
  const name = input.name.trim();
  if (!name) problems.push({ field: 'name', message: 'Enter a name for the template' });
  else if (name.length > NAME_MAX) problems.push({ field: 'name', message: `The name must be ${NAME_MAX} characters or fewer` });
  const body = checkBody('body', input.body, true, problems);
  const bodyCy = checkBody('bodyCy', input.bodyCy, false, problems);
  const known = new Set((await store.services.list(actor.jurisdictionId)).map((s) => s.code));
  const serviceCodes = [...new Set(input.serviceCodes)].sort();
  if (serviceCodes.some((c) => !known.has(c))) problems.push({ field: 'services', message: 'Choose services of this council' });
  const statuses = [...new Set(input.statuses)].sort();
  if (!statuses.every(isStatus)) problems.push({ field: 'statuses', message: 'Choose statuses from the list' });
  if (problems.length) throw invalid(problems);
  const before = input.id ? await store.replyTemplates.get(actor.jurisdictionId, input.id) : undefined;
  const r = await store.replyTemplates.save({ id: input.id, jurisdictionId: actor.jurisdictionId, name, body: body!, bodyCy, serviceCodes, statuses: statuses as Status[], updatedAt: clock.now() });
  if (!r.ok && r.problem === 'missing') throw new PipeworkError('NOT_FOUND', 'No such reply template in this council');
  if (!r.ok) throw invalid([{ field: 'name', message: `There is already a template called “${name}”` }]);
  await store.staff.audit.append({ actor: actor.email, userId: actor.userId, jurisdictionId: actor.jurisdictionId, action: 'template.save', before: before ? describe(before) : undefined, after: describe(r.template), at: clock.now() });
  return r.template;
}

/** Removes a template. Audited as `template.delete`. */
export async function removeReplyTemplate(store: Store, clock: Clock, actor: TemplateActor, id: string): Promise<ReplyTemplate> {
  const t = await store.replyTemplates.get(actor.jurisdictionId, id);
  if (!t || !(await store.replyTemplates.remove(actor.jurisdictionId, id))) throw new PipeworkError('NOT_FOUND', 'No such reply template in this council');
  await store.staff.audit.append({ actor: actor.email, userId: actor.userId, jurisdictionId: actor.jurisdictionId, action: 'template.delete', before: describe(t), at: clock.now() });
  return t;
}

const describe = (t: ReplyTemplate) =>
  `${t.name} [services: ${t.serviceCodes.join(', ') || 'all'}; statuses: ${t.statuses.join(', ') || 'all'}]: ${t.body}${t.bodyCy ? ` / cy: ${t.bodyCy}` : ''}`;

/** The templates that fit a request's service and status, by name. */
export const templatesFitting = (all: ReplyTemplate[], serviceCode: string, status: string): ReplyTemplate[] =>
  all.filter((t) => (!t.serviceCodes.length || t.serviceCodes.includes(serviceCode)) && (!t.statuses.length || (t.statuses as string[]).includes(status))).sort((a, b) => a.name.localeCompare(b.name));

/** A template's text with its placeholders filled (Welsh when asked for and written, else English). */
export function fillTemplate(t: ReplyTemplate, welsh: boolean, values: { reference: string; service: string; council: string }): string {
  const text = welsh && t.bodyCy ? t.bodyCy : t.body;
  return text.replace(/\{(reference|service|council)\}/g, (_, k: keyof typeof values) => values[k]);
}
