import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../../core/store.ts';
import type { Config } from '../../config/schema.ts';
import { PipeworkError, invalid } from '../../core/errors.ts';
import { resolveJurisdiction } from '../../core/access/jurisdiction.ts';
import { baseUrl } from '../../http/base-url.ts';
import { requireApiKey, requireKeyFor } from '../../core/access/api-keys.ts';
import type { ApiKey } from '../../core/store.ts';
import { submitRequest } from '../../core/requests/submit.ts';
import { postUpdate } from './updates.ts';
import { storeUploads } from '../../media/intake.ts';
import { open311Bodies, uploadsOf } from './body.ts';
import { open311ErrorHandler, open311NotFound } from './errors.ts';
import { renderList, render, send, splitFormat, type Format } from './format.ts';
import { attributeWire, requestWire, serviceWire, updateWire } from './wire.ts';
import { attributesOf, dropEmpty, list, statusesOf, str, windowOf } from './params.ts';
import { removeControlChars, validatePaging } from '../../core/requests/validate.ts';
import type { ServiceRequest } from '../../core/requests/request.ts';
import { normaliseHost, type Council } from '../../core/councils/council.ts';
import {
  Created, Discovery, Jurisdiction, NewRequestBody, NewUpdateBody, RequestList, RequestsQuery, ServiceDefinition, ServiceList, TokenList,
  UpdateCreated, UpdateList, UpdatesQuery, responses,
} from './schemas.ts';

/** Discovery's `contact` and `key_service`, from the council's settings (npx pipework councils set ID --discovery-contact … --key-request …). */
function discoveryText(c: Council | undefined): { contact: string; key_service: string } {
  const s = c?.settings ?? {};
  const reach = [s.contactEmail, s.contactPhone, s.contactUrl].filter(Boolean).join(', ');
  return {
    contact: s.discoveryContact ?? (c && reach ? `${c.name}: ${reach}` : 'Contact the council that runs this service.'),
    key_service: s.keyRequest ?? (c && s.contactEmail ? `Ask ${c.name} for an API key at ${s.contactEmail}.` : 'Ask the council for an API key.'),
  };
}

export interface Open311Options {
  store: Store;
  config: Config;
}

type Body = Record<string, unknown>;
const FORMATS: Format[] = ['xml', 'json'];
const tags = ['Open311 GeoReport v2'];

/**
 * The optional `Idempotency-Key` header on POST requests (an extension to
 * GeoReport v2): a client retrying after a lost reply gets the first request back.
 */
function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw invalid([{ field: 'Idempotency-Key', message: 'The Idempotency-Key header must be 1 to 255 visible ASCII characters' }]);
  }
  return key;
}

/**
 * GeoReport v2 with the UK (FixMyStreet) profile, mounted at /open311/v2.
 * This layer owns the wire format, parameter parsing and the error shape;
 * the core decides everything else.
 */
export async function open311Routes(app: FastifyInstance, { store, config }: Open311Options) {
  // The key is checked before the body is validated, so a client without one always gets the spec's 403.
  // Which key it was is the client's identity: its Idempotency-Keys are its own.
  // A rotated key keeps its first key's id as identity (familyId), so a retry with the new key still matches.
  const clientOf = new WeakMap<FastifyRequest, string>();
  const keyOf = new WeakMap<FastifyRequest, ApiKey>();
  const checkKey = async (req: FastifyRequest, body: Body | undefined) => {
    const key = await requireApiKey(store, str(body?.api_key) ?? str((req.query as Body).api_key));
    clientOf.set(req, `api_key:${key.familyId}`);
    keyOf.set(req, key);
  };
  await open311Bodies(app, { mediaLimitBytes: config.mediaLimitBytes, uploadLimitBytes: config.uploadLimitBytes, checkKey });
  app.setErrorHandler(open311ErrorHandler);
  app.setNotFoundHandler(open311NotFound);
  // GeoReport v2: "a null parameter should be treated as equivalent to a non-declared parameter".
  // Dropping empty values before validation also stops `lat=` being coerced to 0.
  // Characters XML cannot carry are removed from every field, by the core's one rule.
  app.addHook('preValidation', async (req) => {
    cleanFields(req.params);
    cleanFields(req.query);
    cleanFields(req.body);
    dropEmpty(req.query);
    dropEmpty(req.body);
  });

  const jurisdiction = (req: FastifyRequest) =>
    resolveJurisdiction(store, str((req.body as Body | undefined)?.jurisdiction_id) ?? str((req.query as Body).jurisdiction_id));
  const withKey = (req: FastifyRequest) => checkKey(req, req.body as Body | undefined);
  // A key bound to one council acts for it when no jurisdiction_id is sent, and for no other.
  const keyedJurisdiction = async (req: FastifyRequest) => {
    const key = keyOf.get(req)!;
    const id = await resolveJurisdiction(store, str((req.body as Body | undefined)?.jurisdiction_id) ?? str((req.query as Body).jurisdiction_id) ?? key.jurisdictionId);
    requireKeyFor(key, id);
    return id;
  };
  // A list of ids is answered whole, however long (FixMyStreet refreshes every open report at once),
  // in slices the databases take as one IN list each.
  const byIds = async (jurisdictionId: string, ids: string[]): Promise<ServiceRequest[]> => {
    const unique = [...new Set(ids)];
    const slices: string[][] = [];
    for (let i = 0; i < unique.length; i += ID_SLICE) slices.push(unique.slice(i, i + ID_SLICE));
    const found = (await Promise.all(slices.map((part) => store.requests.search({ jurisdictionId, ids: part, page: 1, pageSize: part.length })))).flat();
    return slices.length > 1 ? found.sort(newestFirst) : found;
  };
  const serviceNames = async (jurisdictionId: string) =>
    new Map((await store.services.list(jurisdictionId)).map((s) => [s.code, s.name]));

  // Discovery names no jurisdiction in the spec: jurisdiction_id if given, else the council the Host serves, else the only one.
  const discoveryCouncil = async (req: FastifyRequest): Promise<Council | undefined> => {
    const asked = str((req.query as Body).jurisdiction_id);
    if (asked) return store.councils.get(asked);
    const all = await store.councils.list();
    return (await store.councils.byHost(normaliseHost(req.host ?? ''))) ?? (all.length === 1 ? all[0] : undefined);
  };

  for (const format of FORMATS) {
    app.get(`/discovery.${format}`, { schema: { tags, summary: 'Service discovery', response: responses(Discovery, 'discovery', format) } }, async (req, reply) => {
      const endpoint = {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        // FixMyStreet appends paths to the endpoint as configured: it ends with `/`.
        url: `${baseUrl(config, req)}/open311/v2/`,
        changeset: DISCOVERY_CHANGESET,
        type: 'production',
      };
      const formats = ['text/xml', 'application/json'];
      const doc = { changeset: DISCOVERY_CHANGESET, ...discoveryText(await discoveryCouncil(req)) };
      // Once a council shares its patterns, its signed feed is a second endpoint (keys: in the feed, /patterns/discovery.json).
      const sharing = (await store.patternSharing.keys()).length > 0;
      const endpoints = [
        { ...endpoint, formats },
        ...(sharing ? [{ specification: 'pipework-pattern-feed/1', url: `${baseUrl(config, req)}/patterns/feed.json`, changeset: DISCOVERY_CHANGESET, type: 'production', formats: ['application/json'] }] : []),
      ];
      return send(
        reply,
        format,
        render(format, { discovery: { ...doc, endpoints: { endpoint: endpoints.map((e) => ({ ...e, formats: { format: e.formats } })) } } }, { ...doc, endpoints }),
      );
    });

    app.get(`/services.${format}`, { schema: { tags, summary: 'List services', querystring: Jurisdiction, response: responses(ServiceList, 'services', format) } }, async (req, reply) => {
      const services = await store.services.list(await jurisdiction(req));
      return send(reply, format, renderList(format, 'services', 'service', services.map((s) => serviceWire(s, format === 'json'))));
    });

    app.post(`/requests.${format}`, { schema: { tags, summary: 'Create a request', body: NewRequestBody, response: responses(Created, 'service_requests', format) }, preValidation: withKey }, async (req, reply) => {
      const body = req.body as Body;
      const jurisdictionId = await keyedJurisdiction(req);
      const base = baseUrl(config, req);
      const request = await submitRequest(store, {
        jurisdictionId,
        serviceCode: str(body.service_code)!,
        description: str(body.description),
        attributes: attributesOf(body),
        location: { lat: str(body.lat), long: str(body.long), address: str(body.address_string), addressId: str(body.address_id), zipcode: str(body.zipcode) },
        contact: { firstName: str(body.first_name), lastName: str(body.last_name), email: str(body.email), phone: str(body.phone) },
        accountId: str(body.account_id),
        deviceId: str(body.device_id),
        mediaUrls: list(body.media_url),
        attachments: async () => (await storeUploads(store, uploadsOf(body))).map((path) => base + path),
        source: 'open311',
        idempotencyKey: idempotencyKeyOf(req),
        clientId: clientOf.get(req),
      });
      // GeoReport v2: realtime returns the id, batch a token instead, blackbox neither. Blackbox is answered
      // with the id too: FixMyStreet takes an answer with neither as a failed send and sends the report
      // again and again (docs/decisions/0055).
      const ids = request.serviceType === 'batch' ? { token: request.token! } : { service_request_id: request.id };
      const item = { ...ids, service_notice: request.serviceNotice ?? null, account_id: request.accountId ?? null };
      return send(reply, format, renderList(format, 'service_requests', 'request', [item]));
    });

    app.get(`/requests.${format}`, { schema: { tags, summary: 'Search requests', querystring: RequestsQuery, response: responses(RequestList, 'service_requests', format) } }, async (req, reply) => {
      const q = req.query as RequestsQuery;
      const jurisdictionId = await jurisdiction(req);
      const ids = list(q.service_request_id);
      const [requests, names] = await Promise.all([
        ids.length
          ? byIds(jurisdictionId, ids)
          : store.requests.search({
              jurisdictionId,
              serviceCodes: list(q.service_code),
              statuses: wireStatuses(statusesOf(q.status)),
              ...windowOf(q.start_date, q.end_date),
              ...pagingOf(q),
            }),
        serviceNames(jurisdictionId),
      ]);
      return send(reply, format, renderList(format, 'service_requests', 'request', requests.map((r) => requestWire(r, names.get(r.serviceCode) ?? r.serviceCode))));
    });

    app.get(`/servicerequestupdates.${format}`, { schema: { tags, summary: 'List updates (UK profile)', querystring: UpdatesQuery, response: responses(UpdateList, 'service_request_updates', format) } }, async (req, reply) => {
      const q = req.query as UpdatesQuery;
      const updates = await store.requests.updates({
        jurisdictionId: await jurisdiction(req),
        ...windowOf(q.start_date, q.end_date),
        ...pagingOf(q),
        // Residents' own comments came from the client; sending them back would show them twice.
        authorKinds: ['staff', 'backend', 'system'],
      });
      return send(reply, format, renderList(format, 'service_request_updates', 'request_update', updates.map(updateWire)));
    });

    app.post(`/servicerequestupdates.${format}`, { schema: { tags, summary: 'Post an update (UK profile)', body: NewUpdateBody, response: responses(UpdateCreated, 'service_request_updates', format) }, preValidation: withKey }, async (req, reply) => {
      const update = await postUpdate(store, await keyedJurisdiction(req), req.body as Body);
      return send(reply, format, renderList(format, 'service_request_updates', 'request_update', [{ update_id: update.id }]));
    });
  }

  const byFile = (path: string, summary: string, doc: [object, string], handler: (jurisdictionId: string, name: string, format: Format) => Promise<string>) =>
    app.get<{ Params: { file: string } }>(path, { schema: { tags, summary, querystring: Jurisdiction, response: responses(doc[0], doc[1], 'both') } }, async (req, reply) => {
      const { name, format } = splitFormat(req.params.file);
      if (!format) throw new PipeworkError('FORMAT_UNSUPPORTED', `Unsupported format in "${req.params.file}": use .xml or .json`);
      return send(reply, format, await handler(await jurisdiction(req), name, format));
    });

  byFile('/services/:file', 'Service definition', [ServiceDefinition, 'service_definition'], async (jurisdictionId, code, format) => {
    const service = await store.services.get(jurisdictionId, code);
    if (!service) throw new PipeworkError('SERVICE_NOT_FOUND', `service_code "${code}" was not found`);
    const attributes = [...service.attributes].sort((a, b) => a.order - b.order).map((a) => attributeWire(a, format === 'xml'));
    return render(
      format,
      { service_definition: { service_code: service.code, attributes: attributes.length ? { attribute: attributes } : '' } },
      { service_code: service.code, attributes },
    );
  });

  byFile('/requests/:file', 'Get one request', [RequestList, 'service_requests'], async (jurisdictionId, id, format) => {
    const request = await store.requests.get(jurisdictionId, id);
    if (!request) throw new PipeworkError('REQUEST_NOT_FOUND', `service_request_id "${id}" was not found`);
    const names = await serviceNames(jurisdictionId);
    return renderList(format, 'service_requests', 'request', [requestWire(request, names.get(request.serviceCode) ?? request.serviceCode)]);
  });

  byFile('/tokens/:file', 'Request id from a token', [TokenList, 'service_requests'], async (jurisdictionId, token, format) => {
    const request = await store.requests.getByToken(jurisdictionId, token);
    if (!request) throw new PipeworkError('TOKEN_NOT_FOUND', `token "${token}" was not found`);
    return renderList(format, 'service_requests', 'request', [{ service_request_id: request.id, token }]);
  });
}

const ID_SLICE = 2000;
const newestFirst = (a: ServiceRequest, b: ServiceRequest) =>
  b.requestedAt.getTime() - a.requestedAt.getTime() || Number(b.id) - Number(a.id);

/** `page` and `page_size`, checked by the core's one rule. */
function pagingOf(q: { page?: number; page_size?: number }) {
  const { page, pageSize, problems } = validatePaging(q.page, q.page_size);
  if (problems.length) throw invalid(problems);
  return { page, pageSize };
}

/** A reopened case is `open` to UK clients (FixMyStreet knows no `reopen`), so asking for open finds it too. */
const wireStatuses = (statuses: ServiceRequest['status'][] | undefined) =>
  statuses?.includes('open') && !statuses.includes('reopen') ? [...statuses, 'reopen' as const] : statuses;

/** Removes what XML cannot carry from every text field of a query or body, in place. */
function cleanFields(fields: unknown) {
  if (!fields || typeof fields !== 'object') return;
  const f = fields as Record<string, unknown>;
  for (const [k, v] of Object.entries(f)) {
    if (typeof v === 'string') f[k] = removeControlChars(v);
    else if (Array.isArray(v)) f[k] = v.map((x) => (typeof x === 'string' ? removeControlChars(x) : x));
    else if (k === 'attribute') cleanFields(v);
  }
}

/** When this endpoint's definition last changed (Service Discovery `changeset`). */
const DISCOVERY_CHANGESET = '2026-11-28T00:00:00Z';
