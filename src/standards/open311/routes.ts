import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../../core/store.ts';
import type { Config } from '../../config/schema.ts';
import { PipeworkError, invalid } from '../../core/errors.ts';
import { resolveJurisdiction } from '../../core/access/jurisdiction.ts';
import { requireApiKey } from '../../core/access/api-keys.ts';
import { submitRequest } from '../../core/requests/submit.ts';
import { postUpdate } from './updates.ts';
import { storeUploads } from '../../media/intake.ts';
import { open311Bodies, uploadsOf } from './body.ts';
import { open311ErrorHandler, open311NotFound } from './errors.ts';
import { renderList, render, send, splitFormat, type Format } from './format.ts';
import { attributeWire, requestWire, serviceWire, updateWire } from './wire.ts';
import { attributesOf, dropEmpty, list, statusesOf, str, windowOf } from './params.ts';
import { Jurisdiction, NewRequestBody, NewUpdateBody, RequestsQuery, UpdatesQuery } from './schemas.ts';

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

/** The base URL clients reach us on, for absolute links such as media_url. */
export const baseUrl = (config: Config, req: FastifyRequest) => config.publicUrl || `${req.protocol}://${req.host}`;

/**
 * GeoReport v2 with the UK (FixMyStreet) profile, mounted at /open311/v2.
 * This layer owns the wire format, parameter parsing and the error shape;
 * the core decides everything else.
 */
export async function open311Routes(app: FastifyInstance, { store, config }: Open311Options) {
  await open311Bodies(app, { mediaLimitBytes: config.mediaLimitBytes });
  app.setErrorHandler(open311ErrorHandler);
  app.setNotFoundHandler(open311NotFound);
  // GeoReport v2: "a null parameter should be treated as equivalent to a non-declared parameter".
  // Dropping empty values before validation also stops `lat=` being coerced to 0.
  app.addHook('preValidation', async (req) => {
    dropEmpty(req.query);
    dropEmpty(req.body);
  });

  const jurisdiction = (req: FastifyRequest) =>
    resolveJurisdiction(store, str((req.body as Body | undefined)?.jurisdiction_id) ?? str((req.query as Body).jurisdiction_id));
  // The key is checked before the body is validated, so a client without one always gets the spec's 403.
  // Which key it was is the client's identity: its Idempotency-Keys are its own.
  const clientOf = new WeakMap<FastifyRequest, string>();
  const withKey = async (req: FastifyRequest) => {
    const key = await requireApiKey(store, str((req.body as Body | undefined)?.api_key) ?? str((req.query as Body).api_key));
    clientOf.set(req, `api_key:${key.id}`);
  };
  const serviceNames = async (jurisdictionId: string) =>
    new Map((await store.services.list(jurisdictionId)).map((s) => [s.code, s.name]));

  for (const format of FORMATS) {
    app.get(`/discovery.${format}`, { schema: { tags, summary: 'Service discovery' } }, async (req, reply) => {
      const endpoint = {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: `${baseUrl(config, req)}/open311/v2`,
        changeset: DISCOVERY_CHANGESET,
        type: 'production',
      };
      const formats = ['text/xml', 'application/json'];
      const doc = { changeset: DISCOVERY_CHANGESET, contact: 'Contact the council that runs this service.', key_service: 'Ask the council for an API key.' };
      return send(
        reply,
        format,
        render(format, { discovery: { ...doc, endpoints: { endpoint: { ...endpoint, formats: { format: formats } } } } }, { ...doc, endpoints: [{ ...endpoint, formats }] }),
      );
    });

    app.get(`/services.${format}`, { schema: { tags, summary: 'List services', querystring: Jurisdiction } }, async (req, reply) => {
      const services = await store.services.list(await jurisdiction(req));
      return send(reply, format, renderList(format, 'services', 'service', services.map((s) => serviceWire(s, format === 'json'))));
    });

    app.post(`/requests.${format}`, { schema: { tags, summary: 'Create a request', body: NewRequestBody }, preValidation: withKey }, async (req, reply) => {
      const body = req.body as Body;
      const jurisdictionId = await jurisdiction(req);
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
      // GeoReport v2: realtime returns the id, batch a token instead, blackbox neither.
      const ids =
        request.serviceType === 'realtime' ? { service_request_id: request.id } : request.serviceType === 'batch' ? { token: request.token! } : {};
      const item = { ...ids, service_notice: request.serviceNotice ?? null, account_id: request.accountId ?? null };
      return send(reply, format, renderList(format, 'service_requests', 'request', [item]));
    });

    app.get(`/requests.${format}`, { schema: { tags, summary: 'Search requests', querystring: RequestsQuery } }, async (req, reply) => {
      const q = req.query as RequestsQuery;
      const jurisdictionId = await jurisdiction(req);
      const ids = list(q.service_request_id);
      const query = ids.length
        ? { jurisdictionId, ids }
        : { jurisdictionId, serviceCodes: list(q.service_code), statuses: statusesOf(q.status), ...windowOf(q.start_date, q.end_date) };
      const [requests, names] = await Promise.all([
        store.requests.search({ ...query, page: q.page ?? 1, pageSize: q.page_size ?? 1000 }),
        serviceNames(jurisdictionId),
      ]);
      return send(reply, format, renderList(format, 'service_requests', 'request', requests.map((r) => requestWire(r, names.get(r.serviceCode) ?? r.serviceCode))));
    });

    app.get(`/servicerequestupdates.${format}`, { schema: { tags, summary: 'List updates (UK profile)', querystring: UpdatesQuery } }, async (req, reply) => {
      const q = req.query as UpdatesQuery;
      const updates = await store.requests.updates({
        jurisdictionId: await jurisdiction(req),
        ...windowOf(q.start_date, q.end_date),
        page: q.page ?? 1,
        pageSize: q.page_size ?? 1000,
        // Residents' own comments came from the client; sending them back would show them twice.
        authorKinds: ['staff', 'backend', 'system'],
      });
      return send(reply, format, renderList(format, 'service_request_updates', 'request_update', updates.map(updateWire)));
    });

    app.post(`/servicerequestupdates.${format}`, { schema: { tags, summary: 'Post an update (UK profile)', body: NewUpdateBody }, preValidation: withKey }, async (req, reply) => {
      const update = await postUpdate(store, await jurisdiction(req), req.body as Body);
      return send(reply, format, renderList(format, 'service_request_updates', 'request_update', [{ update_id: update.id }]));
    });
  }

  const byFile = (path: string, summary: string, handler: (jurisdictionId: string, name: string, format: Format) => Promise<string>) =>
    app.get<{ Params: { file: string } }>(path, { schema: { tags, summary, querystring: Jurisdiction } }, async (req, reply) => {
      const { name, format } = splitFormat(req.params.file);
      if (!format) throw new PipeworkError('FORMAT_UNSUPPORTED', `Unsupported format in "${req.params.file}": use .xml or .json`);
      return send(reply, format, await handler(await jurisdiction(req), name, format));
    });

  byFile('/services/:file', 'Service definition', async (jurisdictionId, code, format) => {
    const service = await store.services.get(jurisdictionId, code);
    if (!service) throw new PipeworkError('SERVICE_NOT_FOUND', `service_code "${code}" was not found`);
    const attributes = [...service.attributes].sort((a, b) => a.order - b.order).map((a) => attributeWire(a, format === 'xml'));
    return render(
      format,
      { service_definition: { service_code: service.code, attributes: attributes.length ? { attribute: attributes } : '' } },
      { service_code: service.code, attributes },
    );
  });

  byFile('/requests/:file', 'Get one request', async (jurisdictionId, id, format) => {
    const request = await store.requests.get(jurisdictionId, id);
    if (!request) throw new PipeworkError('REQUEST_NOT_FOUND', `service_request_id "${id}" was not found`);
    const names = await serviceNames(jurisdictionId);
    return renderList(format, 'service_requests', 'request', [requestWire(request, names.get(request.serviceCode) ?? request.serviceCode)]);
  });

  byFile('/tokens/:file', 'Request id from a token', async (jurisdictionId, token, format) => {
    const request = await store.requests.getByToken(jurisdictionId, token);
    if (!request) throw new PipeworkError('TOKEN_NOT_FOUND', `token "${token}" was not found`);
    return renderList(format, 'service_requests', 'request', [{ service_request_id: request.id, token }]);
  });
}

/** When this endpoint's definition last changed (Service Discovery `changeset`). */
const DISCOVERY_CHANGESET = '2026-11-28T00:00:00Z';
