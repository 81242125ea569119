import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import type { AdminArea } from './index.ts';
import { actorOf } from '../identity.ts';
import { page, type PageError } from '../render.ts';
import { editOf, saveServiceEdit, serviceForEditing, SERVICE_STATUSES, type ServiceEdit } from '../../standards/openreferral/edit.ts';

const PER_PAGE = 50;
/** Most contact or place rows one form takes (a blank one is always offered). */
const MAX_ROWS = 30;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SERVICE_FIELDS: Record<string, [string, string]> = {
  name: ['name', 'Name'],
  description: ['description', 'Description'],
  url: ['url', 'Web address'],
  email: ['email', 'Email address'],
  status: ['status', 'Status'],
  organization_id: ['organizationId', 'Organisation'],
};
const ROW_FIELDS: Record<string, Record<string, [string, string]>> = {
  contacts: { name: ['name', 'name'], title: ['title', 'job title'] },
  locations: { name: ['name', 'name'], address_1: ['address1', 'address line 1'], city: ['city', 'town or city'], state_province: ['county', 'county'], postal_code: ['postcode', 'postcode'] },
};

type Body = Record<string, string | undefined>;

function editFrom(b: Body): ServiceEdit {
  // Control characters other than line breaks are no part of an entry (and PostgreSQL refuses NUL).
  const s = (k: string) => (typeof b[k] === 'string' ? b[k]!.replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g, '').slice(0, 4000) : '');
  const rows = <T>(prefix: string, read: (n: number) => T) => Array.from({ length: MAX_ROWS }, (_, n) => n).filter((n) => Object.keys(b).some((k) => k.startsWith(`${prefix}-${n}-`))).map(read);
  return {
    name: s('name'),
    description: s('description'),
    url: s('url'),
    email: s('email'),
    status: s('status'),
    organizationId: s('organizationId'),
    contacts: rows('contact', (n) => ({ id: s(`contact-${n}-id`), name: s(`contact-${n}-name`), title: s(`contact-${n}-title`) })),
    locations: rows('location', (n) => ({ salId: s(`location-${n}-salId`), name: s(`location-${n}-name`), address1: s(`location-${n}-address1`), city: s(`location-${n}-city`), county: s(`location-${n}-county`), postcode: s(`location-${n}-postcode`) })),
  };
}

/**
 * Editing the Open Referral UK directory's own entries (services with their
 * contacts and places) at /staff/admin/directory, for admins. The form's
 * changes are checked and saved as `directory import` saves a feed: the whole
 * service against the ORUK schema, upserted by id (decision 0130).
 */
export async function directoryAdminRoutes(app: FastifyInstance, { store, clock }: StaffContext) {
  app.get<{ Querystring: { q?: string; page?: string } }>('/directory', async (req, reply) => {
    const text = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    const n = Number(req.query.page);
    const pageNumber = Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
    const found = await store.directory.services({ ...(text ? { text } : {}), offset: (pageNumber - 1) * PER_PAGE, limit: PER_PAGE });
    const pages = Math.max(1, Math.ceil(found.total / PER_PAGE));
    const href = (p: number) => `/staff/admin/directory?${new URLSearchParams({ ...(text ? { q: text } : {}), page: String(p) })}`;
    return page(req, reply, 'admin/directory.njk', {
      title: 'Directory',
      text,
      total: found.total,
      services: found.items.map((s) => ({ id: s.id, name: String(s.fields.name ?? s.id), status: String(s.fields.status ?? ''), modified: s.fields.last_modified })),
      previous: pageNumber > 1 ? href(pageNumber - 1) : undefined,
      next: pageNumber < pages ? href(pageNumber + 1) : undefined,
    });
  });

  const form = async (req: FastifyRequest, reply: FastifyReply, id: string | undefined, edit: ServiceEdit, errors: PageError[] = [], status = 200) => {
    const organizations = (await store.directory.organizations({ offset: 0, limit: 500 })).items;
    const withBlank = { ...edit, contacts: [...edit.contacts, { name: '', title: '' }].slice(0, MAX_ROWS), locations: [...edit.locations, { name: '', address1: '', city: '', county: '', postcode: '' }].slice(0, MAX_ROWS) };
    return page(req, reply, 'admin/directory-service.njk', {
      title: id ? `Edit ${edit.name || 'service'}` : 'Add a service to the directory',
      id,
      edit: withBlank,
      action: id ? `/staff/admin/directory/services/${id}` : '/staff/admin/directory/services',
      statuses: SERVICE_STATUSES.map((s) => ({ value: s, text: s[0].toUpperCase() + s.slice(1), checked: withBlank.status === s })),
      organizations: [{ value: '', text: 'None' }, ...organizations.map((o) => ({ value: o.id, text: String(o.fields.name ?? o.id), selected: o.id === edit.organizationId }))],
      errors,
    }, status);
  };

  const found = async (id: string) => (UUID.test(id) ? serviceForEditing(store.directory, id) : undefined);
  app.get('/directory/services/new', async (req, reply) => form(req, reply, undefined, editOf(undefined)));
  app.get<{ Params: { id: string } }>('/directory/services/:id', async (req, reply) => {
    const full = await found(req.params.id);
    if (!full) return page(req, reply, 'message.njk', { title: 'Page not found', body: 'There is no such service in the directory.' }, 404);
    return form(req, reply, req.params.id, editOf(full));
  });

  const save = async (req: FastifyRequest<{ Body: Body }>, reply: FastifyReply, id: string | undefined) => {
    const actor = actorOf(req);
    const edit = editFrom(req.body ?? {});
    const result = await saveServiceEdit(store.directory, id, edit, clock.now());
    if (result.problems.length) {
      const errors = [...new Map(result.problems.map((p) => {
        if (p.row) {
          const [key, label] = ROW_FIELDS[p.row.list][p.row.key] ?? ['name', p.row.key];
          const field = `${p.row.list === 'contacts' ? 'contact' : 'location'}-${p.row.index}-${key}`;
          const what = p.row.list === 'contacts' ? `Contact ${p.row.index + 1}` : `Place ${p.row.index + 1}`;
          return [field, { field, href: `#${field}`, text: p.message === 'is required' ? `${what}: enter the ${label}` : `${what}: the ${label} ${p.message}` }];
        }
        const top = /^\$\.(\w+)/.exec(p.path)?.[1] ?? 'name';
        const [key, label] = SERVICE_FIELDS[top] ?? ['name', top];
        return [key, { field: key, href: `#${key}`, text: p.message === 'is required' ? `Enter the ${label.toLowerCase()}` : `${label} ${p.message}` }];
      })).values()];
      return form(req, reply, id, edit, errors, 400);
    }
    await store.staff.audit.append({ actor: actor.email, userId: actor.userId, jurisdictionId: actor.jurisdictionId, action: id ? 'directory.service.edit' : 'directory.service.add', after: `${result.id} ${edit.name.trim()}`, at: clock.now() });
    req.staffSession.set('flash', `${edit.name.trim()} is saved in the directory.`);
    return reply.redirect(`/staff/admin/directory/services/${result.id}`, 303);
  };
  app.post<{ Body: Body }>('/directory/services', async (req, reply) => save(req, reply, undefined));
  app.post<{ Params: { id: string }; Body: Body }>('/directory/services/:id', async (req, reply) => {
    if (!(await found(req.params.id))) return page(req, reply, 'message.njk', { title: 'Page not found', body: 'There is no such service in the directory.' }, 404);
    return save(req, reply, req.params.id);
  });
}

export const directoryArea: AdminArea = {
  path: 'directory',
  title: 'Directory',
  summary: 'The services, places and contacts people find at /openreferral/ (Open Referral UK): add and edit entries.',
  routes: directoryAdminRoutes,
};
