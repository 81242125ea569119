import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import type { Service } from '../../core/services/service.ts';
import { submitRequest } from '../../core/requests/submit.ts';
import { servicesInScope, serviceInScope } from '../../core/cases/scope.ts';
import { PipeworkError } from '../../core/errors.ts';
import { actorOf } from '../identity.ts';
import { page, type PageError } from '../render.ts';

type Body = Record<string, string | string[] | undefined>;

const idFor = (field: string) => field.replace(/^attribute\[(.+)\]$/, 'attribute-$1').replace(/[^\w-]/g, '-');
const str = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

/** The questions a caller is asked for a service, as form fields (the same definitions Open311 and the resident web use). */
function questions(service: Service, body: Body) {
  return service.attributes
    .filter((a) => a.variable && a.automated === undefined)
    .sort((a, b) => a.order - b.order)
    .map((a) => {
      const name = `attribute[${a.code}]`;
      const given = body[name];
      const values = Array.isArray(given) ? given : given ? [given] : [];
      const kind = a.datatype === 'singlevaluelist' ? 'radios' : a.datatype === 'multivaluelist' ? 'checkboxes' : a.datatype === 'text' ? 'textarea' : 'input';
      return {
        name,
        id: idFor(name),
        label: a.description,
        hint: a.hint,
        required: a.required,
        kind,
        value: values[0] ?? '',
        items: (a.values ?? []).map((v) => ({ value: v.key, text: v.name, checked: values.includes(v.key) })),
      };
    });
}

/**
 * A request raised by the contact centre on behalf of a caller: the same core
 * `submitRequest` as Open311 and the resident web, with source `phone`, so the
 * service's questions, validation, routing and process all apply.
 */
export async function raiseRoutes(app: FastifyInstance, { store, clock }: StaffContext) {
  const render = async (req: FastifyRequest, reply: FastifyReply, service: Service | undefined, body: Body, errors: PageError[] = [], status = 200) => {
    const services = (await servicesInScope(store, actorOf(req))).filter((s) => s.active);
    return page(req, reply, 'raise.njk', {
      title: service ? `Raise a request: ${service.name}` : 'Raise a request for a caller',
      service,
      services: services.map((s) => ({ value: s.code, text: s.name })),
      questions: service ? questions(service, body) : [],
      values: Object.fromEntries(['description', 'address', 'zipcode', 'first_name', 'last_name', 'phone', 'email'].map((k) => [k, str(body[k])])),
      errors,
    }, status);
  };

  app.get<{ Querystring: { service?: string } }>('/raise', { config: { ability: 'case.raise' } }, async (req, reply) => {
    const code = typeof req.query.service === 'string' ? req.query.service : '';
    const found = code ? await store.services.get(actorOf(req).jurisdictionId, code) : undefined;
    // A role limited to some service groups raises requests only for those services.
    const service = serviceInScope(actorOf(req), found) ? found : undefined;
    if (code && !service?.active) return render(req, reply, undefined, {}, [{ field: 'service', href: '#service', text: 'Choose a service that is taking requests' }], 400);
    return render(req, reply, service, {});
  });

  app.post<{ Querystring: { service?: string }; Body: Body }>('/raise', { config: { ability: 'case.raise' } }, async (req, reply) => {
    const actor = actorOf(req);
    const found = typeof req.query.service === 'string' ? await store.services.get(actor.jurisdictionId, req.query.service) : undefined;
    const service = serviceInScope(actor, found) ? found : undefined;
    if (!service?.active) return render(req, reply, undefined, {}, [{ field: 'service', href: '#service', text: 'Choose a service that is taking requests' }], 400);
    const body = req.body ?? {};
    const attributes: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(body)) {
      const m = /^attribute\[(.+)\]$/.exec(k);
      if (m && v !== undefined && v !== '') attributes[m[1]] = v;
    }
    try {
      const request = await submitRequest(store, {
        jurisdictionId: actor.jurisdictionId,
        serviceCode: service.code,
        description: str(body.description),
        attributes,
        location: { address: str(body.address).trim() || undefined, zipcode: str(body.zipcode).trim() || undefined },
        contact: { firstName: str(body.first_name), lastName: str(body.last_name), phone: str(body.phone), email: str(body.email) },
        mediaUrls: [],
        source: 'phone',
      });
      await store.staff.audit.append({ actor: actor.email, userId: actor.userId, jurisdictionId: actor.jurisdictionId, action: 'case.raise', requestId: request.id, after: service.code, at: clock.now() });
      req.staffSession.set('flash', `Request ${request.id} raised. Give the caller this reference: ${request.id}.`);
      return reply.redirect(`/staff/requests/${request.id}`, 303);
    } catch (err) {
      if (!(err instanceof PipeworkError) || err.code !== 'INVALID_INPUT') throw err;
      const errors = err.problems.map((p) => {
        const field = p.field === 'location' ? 'address' : p.field;
        const attr = service.attributes.find((a) => `attribute[${a.code}]` === p.field);
        const text = attr && /is required/.test(p.message) ? attr.errorMessages?.required ?? `Answer: ${attr.description}` : p.field === 'location' ? 'Enter where the problem is' : p.message;
        return { field, href: `#${idFor(field)}`, text };
      });
      return render(req, reply, service, body, errors, 400);
    }
  });
}
