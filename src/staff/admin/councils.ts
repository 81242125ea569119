import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminArea } from './index.ts';
import type { StaffContext } from '../plugin.ts';
import { page, type PageError } from '../render.ts';
import { actorOf } from '../identity.ts';
import { PipeworkError } from '../../core/errors.ts';
import { SETTING_FIELDS, type Council } from '../../core/councils/council.ts';
import { setCouncil, type CouncilChanges } from '../../core/councils/manage.ts';
import { formText, pageErrors } from './form-errors.ts';

/** The forms of a council's settings, each a page of its own. */
const GROUPS = {
  names: { title: 'Names and web addresses', fields: [] as typeof SETTING_FIELDS[number][] },
  contact: { title: 'Contact, Open311 discovery and emergencies', fields: SETTING_FIELDS.filter((f) => f.group === 'contact') },
  look: { title: 'Logo and header colour', fields: SETTING_FIELDS.filter((f) => f.group === 'look') },
  accessibility: { title: 'Accessibility statement', fields: SETTING_FIELDS.filter((f) => f.group === 'accessibility') },
  privacy: { title: 'Privacy notice', fields: SETTING_FIELDS.filter((f) => f.group === 'privacy') },
} as const;
type Group = keyof typeof GROUPS;
const isGroup = (g: string): g is Group => Object.hasOwn(GROUPS, g);

const CHOICE_LABELS: Record<string, string> = { full: 'Fully compliant', partial: 'Partially compliant', not: 'Not compliant' };

/** The form's values from the council as stored. */
const valuesOf = (c: Council): Record<string, string> => ({ name: c.name, welshName: c.welshName ?? '', hosts: c.hosts.join('\n'), ...c.settings });

async function routes(app: FastifyInstance, { store, clock }: StaffContext) {
  const council = async (req: FastifyRequest) => {
    const c = await store.councils.get(actorOf(req).jurisdictionId);
    if (!c) throw new PipeworkError('NOT_FOUND');
    return c;
  };
  const form = (req: FastifyRequest, reply: FastifyReply, group: Group, c: Council, values: Record<string, string>, errors: PageError[] = [], status = 200) =>
    page(req, reply, 'admin/council-form.njk', { title: GROUPS[group].title, group, fields: GROUPS[group].fields, choiceLabels: CHOICE_LABELS, council: c, values, version: values.version ?? String(c.version), errors }, status);

  app.get('/councils', async (req, reply) => {
    const c = await council(req);
    return page(req, reply, 'admin/council.njk', { title: c.name, council: c, groups: Object.entries(GROUPS).map(([key, g]) => ({ key, ...g })), values: valuesOf(c), choiceLabels: CHOICE_LABELS });
  });

  app.get<{ Params: { group: string } }>('/councils/:group', async (req, reply) => {
    if (!isGroup(req.params.group)) throw new PipeworkError('NOT_FOUND');
    const c = await council(req);
    return form(req, reply, req.params.group, c, valuesOf(c));
  });

  app.post<{ Params: { group: string } }>('/councils/:group', async (req, reply) => {
    const group = req.params.group;
    if (!isGroup(group)) throw new PipeworkError('NOT_FOUND');
    const c = await council(req);
    const v = formText(req.body);
    // Only this form's fields change: an empty field clears its setting.
    const changes: Record<string, unknown> = {};
    if (group === 'names') {
      changes.name = v.name ?? '';
      changes.welshName = v.welshName ?? '';
      changes.hosts = (v.hosts ?? '').split(/[\s,]+/).filter(Boolean);
    } else for (const f of GROUPS[group].fields) changes[f.key] = v[f.key] ?? '';
    const actor = actorOf(req);
    try {
      const { changed } = await setCouncil(store, c.id, changes as CouncilChanges, { by: actor.email, userId: actor.userId }, { expectVersion: Number(v.version) || -1, now: clock.now() });
      req.staffSession.set('flash', changed.length ? `${GROUPS[group].title}: saved.` : `${GROUPS[group].title}: nothing had changed.`);
      return reply.redirect('/staff/admin/councils', 303);
    } catch (err) {
      const errors = pageErrors(err);
      const conflict = err instanceof PipeworkError && err.code === 'EDIT_CONFLICT';
      return form(req, reply, group, c, v, errors, conflict ? 409 : 400);
    }
  });
}

export const councilsArea: AdminArea = {
  path: 'councils',
  title: 'Council details',
  summary: 'Names in English and Welsh, web addresses, contact and Open311 discovery text, logo and colour, emergency text, the accessibility statement and privacy notice.',
  routes,
};
