import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import type { PersonQuery } from '../../core/records/port.ts';
import { erasePerson, exportPerson, lookUpPerson } from '../../core/records/records.ts';
import { PipeworkError } from '../../core/errors.ts';
import { renderExportHtml } from '../../records/export-html.ts';
import { actorOf } from '../identity.ts';
import { page, type PageError } from '../render.ts';

type Body = Record<string, string | undefined>;
const manage = { config: { ability: 'records.manage' as const } };
const personOf = (body: Body): PersonQuery => ({ email: body.email?.trim() || undefined, phone: body.phone?.trim() || undefined });
const who = (req: FastifyRequest) => ({ actor: actorOf(req).email, userId: actorOf(req).userId });
const ACK_TEXT = { pending: 'Waiting', confirmed: 'Confirmed', recorded: 'Recorded: pass on by hand', failed: 'Refused' } as const;

/**
 * Subject access and erasure for supervisors: find everything about a person
 * by email or phone, export it (JSON, or a readable page) with its one-month
 * due date, erase it, and see which back-ends and subscribers confirmed the
 * erasure. The same core functions as `npx pipework records`, each audited.
 * The person's details travel in form posts, never in a URL (URLs are logged).
 */
export async function recordsRoutes(app: FastifyInstance, { store, clock }: StaffContext) {
  const home = async (req: FastifyRequest, reply: FastifyReply, values: PersonQuery = {}, errors: PageError[] = [], status = 200) => {
    const requests = await store.records.accessRequests(actorOf(req).jurisdictionId);
    return page(req, reply, 'records.njk', { title: 'Records requests', values, errors, requests: requests.slice(0, 100) }, status);
  };
  const problem = (err: unknown): PageError[] => {
    if (err instanceof PipeworkError && err.code === 'INVALID_INPUT') return [{ field: 'email', href: '#email', text: 'Enter an email address or a phone number' }];
    throw err;
  };

  app.get('/records', manage, (req, reply) => home(req, reply));

  app.post<{ Body: Body }>('/records/find', manage, async (req, reply) => {
    const q = personOf(req.body ?? {});
    try {
      const found = await lookUpPerson(store, actorOf(req).jurisdictionId, q, who(req), clock);
      return page(req, reply, 'records-person.njk', { title: 'What is held about this person', found, person: q });
    } catch (err) {
      return home(req, reply, { email: q.email, phone: q.phone }, problem(err), 400);
    }
  });

  app.post<{ Body: Body }>('/records/export', manage, async (req, reply) => {
    const body = req.body ?? {};
    const format = body.format === 'html' ? 'html' : 'json';
    try {
      const found = await exportPerson(store, actorOf(req).jurisdictionId, personOf(body), who(req), clock);
      const name = `subject-access-${found.access.id}.${format}`;
      return reply
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${name}"`)
        .type(format === 'html' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8')
        .send(format === 'html' ? renderExportHtml(found) : JSON.stringify(found, null, 2));
    } catch (err) {
      return home(req, reply, personOf(body), problem(err), 400);
    }
  });

  app.post<{ Body: Body }>('/records/erase', manage, async (req, reply) => {
    const body = req.body ?? {};
    const q = personOf(body);
    const j = actorOf(req).jurisdictionId;
    // The first post (from the person's page) asks to confirm; only the confirmed one erases.
    if (body.confirm !== 'yes') {
      try {
        const found = await lookUpPerson(store, j, q, who(req), clock);
        const errors = body.step === 'confirm' ? [{ field: 'confirm', href: '#confirm', text: 'Confirm that this person asked for their data to be erased' }] : [];
        return page(req, reply, 'records-erase.njk', { title: 'Erase this person’s data', found, person: q, errors }, errors.length ? 400 : 200);
      } catch (err) {
        return home(req, reply, q, problem(err), 400);
      }
    }
    try {
      const done = await erasePerson(store, j, q, who(req), clock);
      req.staffSession.set('flash', `Erased: ${done.requestIds.length} request(s) anonymised. The erasure is being sent on to the back-ends and subscribers below.`);
      return reply.redirect(`/staff/records/requests/${done.id}`, 303);
    } catch (err) {
      return home(req, reply, q, problem(err), 400);
    }
  });

  app.get<{ Params: { id: string } }>('/records/requests/:id', manage, async (req, reply) => {
    const access = (await store.records.accessRequests(actorOf(req).jurisdictionId)).find((a) => a.id === req.params.id);
    if (!access) throw new PipeworkError('NOT_FOUND');
    const acks = (await store.erasures.acks(access.id)).map((a) => ({ ...a, stateText: ACK_TEXT[a.state] }));
    return page(req, reply, 'records-request.njk', {
      title: `${access.kind === 'erase' ? 'Erasure' : 'Subject-access export'} ${access.id}`,
      access,
      acks,
      confirmed: acks.filter((a) => a.state === 'confirmed').length,
    });
  });
}
