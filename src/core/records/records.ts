import type { Store } from '../store.ts';
import type { Clock } from '../clock.ts';
import type { PersonQuery, RetentionOverride } from './port.ts';
import type { Service } from '../services/service.ts';
import { addPeriod, cutoff, retentionFor, type RetentionRule } from './retention.ts';
import { compileProcess } from '../process/process.ts';
import { PipeworkError } from '../errors.ts';
import { planErasure } from './erasure.ts';

/** Statuses at which a request without a pattern counts as closed. */
const CLOSED = ['closed', 'fixed', 'duplicate', 'not_councils_responsibility', 'no_further_action', 'cancelled'];
const BATCH = 500;

export interface RetentionSummary {
  jurisdictionId: string;
  dryRun: boolean;
  services: { serviceCode: string; rule: RetentionRule; contactErased: string[]; anonymised: string[] }[];
}

/**
 * Applies each service's retention rule to its closed requests: contact
 * details erased after one period, the request anonymised after the other.
 * Held requests are left alone. A dry run changes nothing and lists what
 * would change. Every run is logged.
 */
export async function applyRetention(store: Store, jurisdictionId: string, options: { dryRun: boolean; clock: Clock }): Promise<RetentionSummary> {
  const startedAt = options.clock.now();
  const summary: RetentionSummary = { jurisdictionId, dryRun: options.dryRun, services: [] };
  const overrides = new Map((await store.erasures.overrides(jurisdictionId)).map((o) => [o.serviceCode, o]));
  for (const service of await store.services.list(jurisdictionId)) {
    const { rule, statuses } = await serviceRetention(store, service, overrides.get(service.code));
    const keep = keepableAnswers(service.attributes);
    const stage = async (name: 'contact' | 'anonymise', period: string) => {
      const done: string[] = [];
      const before = cutoff(startedAt, period);
      for (;;) {
        const ids = (await store.records.due({ jurisdictionId, serviceCode: service.code, statuses, before, stage: name, limit: BATCH })).filter((id) => !done.includes(id));
        if (!ids.length) break;
        done.push(...ids);
        if (options.dryRun) {
          if (ids.length < BATCH) break;
          continue;
        }
        if (name === 'contact') await store.records.eraseContact(jurisdictionId, ids, startedAt);
        else await store.records.anonymise(jurisdictionId, ids, () => keep, startedAt);
      }
      return done;
    };
    const anonymised = await stage('anonymise', rule.anonymiseAfterClosure);
    const contactErased = (await stage('contact', rule.contactAfterClosure)).filter((id) => !anonymised.includes(id));
    if (anonymised.length || contactErased.length) summary.services.push({ serviceCode: service.code, rule, contactErased, anonymised });
  }
  await store.records.logRun({ jurisdictionId, startedAt, finishedAt: options.clock.now(), dryRun: options.dryRun, summary: summary.services.map((s) => ({ service: s.serviceCode, contactErased: s.contactErased.length, anonymised: s.anonymised.length })) });
  return summary;
}

/** A service's retention rule (the council's override, else its pattern's, else the default) and its closing statuses. */
export async function serviceRetention(store: Store, service: Service, override?: RetentionOverride) {
  const stored = service.pattern && (await store.patterns.get(service.jurisdictionId, service.pattern.id, service.pattern.version));
  const doc = stored ? stored.document : undefined;
  const ownRule = doc?.retention as { contact_after_closure?: string; anonymise_after_closure?: string } | undefined;
  const patternRule = ownRule && { ...(ownRule.contact_after_closure && { contactAfterClosure: ownRule.contact_after_closure }), ...(ownRule.anonymise_after_closure && { anonymiseAfterClosure: ownRule.anonymise_after_closure }) };
  const rule = retentionFor(patternRule, (doc?.lgsl_codes as number[] | undefined) ?? (service.lgslCode ? [service.lgslCode] : []), override);
  const statuses = doc ? [...compileProcess(doc.process).closing] : CLOSED;
  return { rule, statuses, patternRule, override };
}

/** List answers carry no free text: they are kept in an anonymised record. */
const keepableAnswers = (attributes: { code: string; datatype: string }[]) =>
  new Set(attributes.filter((a) => a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist').map((a) => a.code));

const checkPerson = (q: PersonQuery) => {
  const email = q.email?.trim().toLowerCase() || undefined;
  const phone = q.phone?.replace(/[^\d+]/g, '') || undefined;
  if (!email && !phone) throw new PipeworkError('INVALID_INPUT', 'Say whose records: an email address or a phone number', [{ field: 'email', message: 'Give an email address or a phone number' }]);
  return { email, phone };
};

/** Everything Pipework holds about one person: each request with its contact details and its whole history. */
export async function findPerson(store: Store, jurisdictionId: string, q: PersonQuery) {
  const person = checkPerson(q);
  const ids = await store.records.findPerson(jurisdictionId, person);
  const requests = [];
  for (const id of ids) {
    const request = await store.requests.get(jurisdictionId, id);
    if (!request) continue;
    requests.push({ request, contact: await store.requests.contact(jurisdictionId, id), history: await store.requests.history(jurisdictionId, id, { internal: true }) });
  }
  // Their comments on other people's reports: the comment alone, nothing of the other person's report.
  const comments = (await store.records.commentsBy(jurisdictionId, person)).filter((u) => !ids.includes(u.requestId));
  // Reports they joined ("I'm reporting this too", decision 0160): their own join only, nothing of the report's reporter.
  const joined = await store.joiners.byPerson(jurisdictionId, person);
  return { person, requests, comments, joined };
}

/**
 * Who did it: a member of staff (their email and id) or the command line
 * (`cli:NAME`). Every look, export and erasure goes into the audit log under
 * this name, with the access request's id, never the person's details: the
 * audit log outlives every erasure.
 */
export type RecordsActor = string | { actor: string; userId?: string };
const actorName = (by: RecordsActor) => (typeof by === 'string' ? by : by.actor);
const audit = (store: Store, by: RecordsActor, jurisdictionId: string, action: string, after: string, at: Date) =>
  store.staff.audit.append({ actor: actorName(by), userId: typeof by === 'string' ? undefined : by.userId, jurisdictionId, action, after, at });

/** A look at everything held about a person, audited (it shows contact details). */
export async function lookUpPerson(store: Store, jurisdictionId: string, q: PersonQuery, by: RecordsActor, clock: Clock) {
  const found = await findPerson(store, jurisdictionId, q);
  await audit(store, by, jurisdictionId, 'records.find', `${found.requests.length} request(s), ${found.comments.length} comment(s)`, clock.now());
  return found;
}

/** A subject-access export, recorded with the date the answer is due (one calendar month, UK GDPR Art. 12(3)). */
export async function exportPerson(store: Store, jurisdictionId: string, q: PersonQuery, by: RecordsActor, clock: Clock) {
  const found = await findPerson(store, jurisdictionId, q);
  const receivedAt = clock.now();
  const access = await store.records.recordAccess({ jurisdictionId, kind: 'export', ...found.person, requestIds: [...found.requests.map((r) => r.request.id), ...found.comments.map((c) => c.requestId)], receivedAt, dueAt: addPeriod(receivedAt, '1 month'), by: actorName(by) });
  await audit(store, by, jurisdictionId, 'records.export', `access request ${access.id}: ${access.requestIds.length} request(s)`, receivedAt);
  return { ...found, access };
}

/**
 * Erasure: every request about the person is anonymised in Pipework, their
 * comments on other people's reports blanked, the erasure recorded, and sent on
 * to every back-end and subscriber that received them; their acknowledgements
 * come back into `store.erasures.acks`.
 */
export async function erasePerson(store: Store, jurisdictionId: string, q: PersonQuery, by: RecordsActor, clock: Clock) {
  const person = checkPerson(q);
  const ids = await store.records.findPerson(jurisdictionId, person);
  const at = clock.now();
  const services = new Map((await store.services.list(jurisdictionId)).map((s) => [s.code, keepableAnswers(s.attributes)]));
  await store.records.anonymise(jurisdictionId, ids, (code) => services.get(code) ?? new Set(), at);
  const comments = await store.records.commentsBy(jurisdictionId, person);
  await store.records.eraseComments(jurisdictionId, comments.map((u) => u.id));
  await store.joiners.erase(jurisdictionId, (await store.joiners.byPerson(jurisdictionId, person)).map((j) => j.id), at);
  const access = await store.records.recordAccess({ jurisdictionId, kind: 'erase', ...person, requestIds: ids, receivedAt: at, dueAt: addPeriod(at, '1 month'), by: actorName(by) });
  await audit(store, by, jurisdictionId, 'records.erase', `access request ${access.id}: ${ids.length} request(s) anonymised`, at);
  // Comments on their own reports go with those reports; those on other people's are sent on one by one.
  const others = comments.filter((u) => !ids.includes(u.requestId)).map((u) => ({ requestId: u.requestId, updateId: u.id }));
  await store.erasures.send(await planErasure(store, { accessId: access.id, jurisdictionId, requestIds: ids, comments: others, at }));
  return access;
}
