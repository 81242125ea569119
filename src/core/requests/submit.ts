import { randomUUID } from 'node:crypto';
import type { Store } from '../store.ts';
import type { AttributeAnswers, Contact, ServiceRequest } from './request.ts';
import type { ServiceType } from '../services/service.ts';
import { PipeworkError, invalid } from '../errors.ts';
import { canaryBucket, deliveriesFor } from '../routing/decide.ts';
import { validateAttributes, validateDescription, validateEmail, validateLocation, type LocationInput } from './validate.ts';
import { termsForNewRequest } from '../process/rules.ts';
import { systemClock, type Clock } from '../clock.ts';
import { idempotencyScope, type IdempotencyScope } from './idempotency.ts';

/** What any front end (Open311, the resident web, staff) hands over for a new request. */
export interface Submission {
  jurisdictionId: string;
  serviceCode: string;
  description?: string;
  attributes: AttributeAnswers;
  location: LocationInput;
  contact: Contact;
  accountId?: string;
  deviceId?: string;
  mediaUrls: string[];
  /** Stores uploaded files once the answers are known to be valid; returns their URLs. */
  attachments?: () => Promise<string[]>;
  source: string;
  /** From the client's Idempotency-Key header: a retry after a lost reply gets the first request back. */
  idempotencyKey?: string;
  /**
   * Who is sending, as the front end knows them (for Open311 the API key's id).
   * An Idempotency-Key belongs to its client: the same value from another client is another request.
   */
  clientId?: string;
}

export interface SubmitOptions {
  clock?: Clock;
}

/**
 * The one way a request enters Pipework: checks it against the service
 * definition, then stores it. Resolves only after the request is committed.
 * A re-send under the same idempotency scope (see idempotencyScope) gets the
 * first request back, also when the copies arrive at the same moment.
 * Throws PipeworkError (SERVICE_NOT_FOUND, SERVICE_INACTIVE, INVALID_INPUT,
 * IDEMPOTENCY_KEY_REUSED when a client's key comes again with a different body).
 */
export async function submitRequest(store: Store, s: Submission, options: SubmitOptions = {}): Promise<ServiceRequest & { serviceType: ServiceType }> {
  const clock = options.clock ?? systemClock;
  const service = await store.services.get(s.jurisdictionId, s.serviceCode);
  if (!service) throw new PipeworkError('SERVICE_NOT_FOUND', `service_code "${s.serviceCode}" was not found`);
  if (!service.active) throw new PipeworkError('SERVICE_INACTIVE', `${service.name} is not taking new requests`);
  const once = idempotencyScope(service, s);
  const earlier = once && (await firstUnder(store, s.jurisdictionId, once));
  if (earlier) return { ...earlier, serviceType: service.type };

  const attrs = validateAttributes(service, s.attributes);
  const loc = validateLocation(s.location, attrs.answers);
  const desc = validateDescription(s.description);
  const problems = [...desc.problems, ...loc.problems, ...attrs.problems, ...validateEmail(s.contact.email)];
  if (problems.length) throw invalid(problems);

  const attached = s.attachments ? await s.attachments() : [];
  const contact = trimContact(s.contact);
  // Routing is decided here, by the core, and its jobs commit with the request (the outbox).
  // The canary bucket hashes what the resident sent, so a retried submission lands in the same place.
  const route = await store.routing.routeFor(s.jurisdictionId, service.code);
  // Only a canary route needs the bucket: hashing the whole submission is skipped otherwise (hot path).
  const bucket = route?.canary ? canaryBucket([s.jurisdictionId, service.code, desc.description, attrs.answers, loc.location, contact, s.accountId, s.deviceId, s.mediaUrls]) : 0;
  const now = clock.now();
  const request = await store.requests.create({
    idempotencyKey: once?.key,
    idempotencyClientId: once?.clientId,
    submissionHash: once?.submissionHash,
    requestedAt: now,
    jurisdictionId: s.jurisdictionId,
    serviceCode: service.code,
    description: desc.description,
    attributes: attrs.answers,
    location: loc.location,
    contact,
    accountId: s.accountId?.trim() || undefined,
    deviceId: s.deviceId?.trim() || undefined,
    mediaUrls: [...s.mediaUrls, ...attached],
    source: s.source,
    token: service.type === 'batch' ? randomUUID() : undefined,
    agencyResponsible: service.agencyResponsible,
    serviceNotice: service.serviceNotice,
    deliveries: deliveriesFor(route, bucket),
    // The pattern version and its target: the request keeps both even when the service moves to a new version.
    ...(await termsForNewRequest(store, service, now)),
  }).catch(async (err) => {
    // Two sends with one key at the same moment: the unique index lets one in; the other gets it back.
    const first = once && (await firstUnder(store, s.jurisdictionId, once));
    if (first) return first;
    throw err;
  });
  return { ...request, serviceType: service.type };
}

/** The request stored under this scope, if any; a client's key that comes again with a different body is refused. */
async function firstUnder(store: Store, jurisdictionId: string, once: IdempotencyScope): Promise<ServiceRequest | undefined> {
  const found = await store.requests.findByIdempotencyKey({ jurisdictionId, clientId: once.clientId, key: once.key });
  if (!found) return undefined;
  if (once.strict && found.submissionHash && found.submissionHash !== once.submissionHash) {
    throw new PipeworkError('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key "${once.key}" was sent before with a different request (service_request_id ${found.request.id}); use a new key for a new request`, [
      { field: 'Idempotency-Key', message: `Idempotency-Key "${once.key}" was sent before with a different request; use a new key for a new request` },
    ]);
  }
  return found.request;
}

function trimContact(c: Contact): Contact {
  const t = (v?: string) => v?.trim() || undefined;
  // Language and the wish for texts only decide how the resident is told (src/core/notifications/).
  return { firstName: t(c.firstName), lastName: t(c.lastName), email: t(c.email), phone: t(c.phone), language: c.language, textUpdates: c.textUpdates, emailUpdates: c.emailUpdates };
}
