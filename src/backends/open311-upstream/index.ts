import { Type, type Static } from '@sinclair/typebox';
import { DeliveryError, type Backend, type BackendDeps, type StatusReport } from '../port.ts';
import { HttpUrl, StatusMap } from '../config.ts';
import { call } from '../http.ts';
import { readList } from './read.ts';

export const Open311UpstreamConfig = Type.Object(
  {
    url: { ...HttpUrl, description: 'Base URL of the GeoReport v2 server, e.g. https://reports.example.gov.uk/open311/v2' },
    apiKey: Type.String({ minLength: 1 }),
    jurisdictionId: Type.Optional(Type.String({ minLength: 1 })),
    format: Type.Union([Type.Literal('json'), Type.Literal('xml')], { default: 'json' }),
    /** Our service code → theirs, where they differ. */
    serviceCodes: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1 }))),
    /** `updates`: GET servicerequestupdates (UK profile); `requests`: GET requests by id and compare statuses. */
    pull: Type.Union([Type.Literal('updates'), Type.Literal('requests')], { default: 'updates' }),
    pollSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 60 }),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
    statusMap: StatusMap,
  },
  { additionalProperties: false },
);
export type Open311UpstreamConfig = Static<typeof Open311UpstreamConfig>;

/** How far back the first pull of updates looks, and how much each pull overlaps the last (repeats are dropped). */
const FIRST_LOOKBACK_MS = 24 * 3_600_000;
const OVERLAP_MS = 5 * 60_000;

/**
 * Forwards requests to another GeoReport v2 server (JSON or XML) and pulls
 * its status back, so Pipework can front an existing Open311 back-end or
 * chain with another implementation (including another Pipework).
 */
export function open311UpstreamBackend(name: string, config: Open311UpstreamConfig, deps: BackendDeps): Backend {
  const timeoutMs = config.timeoutMs ?? deps.timeoutMs;
  const base = config.url.replace(/\/+$/, '');
  const fmt = config.format ?? 'json';
  const common = (): [string, string][] => [['api_key', config.apiKey], ...(config.jurisdictionId ? [['jurisdiction_id', config.jurisdictionId] as [string, string]] : [])];
  const post = (path: string, fields: [string, string][], key: string) =>
    call(`${base}/${path}.${fmt}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key }, body: new URLSearchParams(fields).toString() }, timeoutMs);
  const get = (path: string, params: [string, string][]) => call(`${base}/${path}.${fmt}?${new URLSearchParams(params)}`, { method: 'GET' }, timeoutMs);

  return {
    name,
    kind: 'open311-upstream',
    statusUpdates: 'pull',
    pullIntervalMs: (config.pollSeconds ?? 60) * 1000,
    statusMap: config.statusMap ?? {},
    async deliverRequest(job) {
      const r = job.request;
      const fields: [string, string][] = [...common(), ['service_code', config.serviceCodes?.[r.serviceCode] ?? r.serviceCode]];
      const add = (k: string, v: unknown) => v !== undefined && v !== null && v !== '' && fields.push([k, String(v)]);
      add('description', r.description);
      add('lat', r.location.lat);
      add('long', r.location.long);
      add('address_string', r.location.address);
      add('address_id', r.location.addressId);
      add('zipcode', r.location.zipcode);
      add('email', job.contact.email);
      add('first_name', job.contact.firstName);
      add('last_name', job.contact.lastName);
      add('phone', job.contact.phone);
      add('account_id', r.accountId);
      add('device_id', r.deviceId);
      add('media_url', r.mediaUrls[0]);
      for (const [code, value] of Object.entries(r.attributes)) for (const v of [value].flat()) add(`attribute[${code}]`, v);
      const res = await post('requests', fields, job.idempotencyKey);
      const [item] = readList(res.text, fmt, 'service_requests', 'request', name);
      const id = item?.service_request_id ?? (item?.token ? `token:${item.token}` : undefined);
      if (!id) throw new DeliveryError(`${name} accepted the request but sent neither service_request_id nor token: ${res.text.slice(0, 100)}`);
      return { reference: String(id) };
    },
    async deliverUpdate(job) {
      if (job.reference.startsWith('token:')) throw new DeliveryError(`${name} has not given an id for this request yet (only a token)`);
      const u = job.update;
      const fields: [string, string][] = [
        ...common(),
        ['service_request_id', job.reference],
        ['update_id', `pipework-${u.id}`],
        ['status', (u.status === 'unchanged' ? job.request.status : u.status).toUpperCase()],
        ['description', u.description],
        ['updated_datetime', u.updatedAt.toISOString()],
      ];
      if (u.contact.email) fields.push(['email', u.contact.email]);
      if (u.mediaUrls[0]) fields.push(['media_url', u.mediaUrls[0]]);
      await post('servicerequestupdates', fields, job.idempotencyKey);
      return {};
    },
    async pullUpdates(cursor, refs) {
      const now = Date.now();
      if (config.pull === 'requests') return { reports: await pullRequests(await refs()), problems: [] };
      const start = cursor ? new Date(cursor) : new Date(now - FIRST_LOOKBACK_MS);
      const res = await get('servicerequestupdates', [...common(), ['start_date', start.toISOString()], ['end_date', new Date(now).toISOString()]]);
      const problems: string[] = [];
      const reports: StatusReport[] = [];
      for (const u of readList(res.text, fmt, 'service_request_updates', 'request_update', name)) {
        const code = u.external_status_code ?? u.status;
        if (!u.service_request_id || !code) {
          problems.push(`${name}: an update without service_request_id or status was set aside: ${JSON.stringify(u).slice(0, 200)}`);
          continue;
        }
        const at = u.updated_datetime ? new Date(u.updated_datetime) : undefined;
        reports.push({ reference: String(u.service_request_id), code: String(code), description: u.description ?? undefined, updateId: u.update_id ? String(u.update_id) : undefined, at: at && !Number.isNaN(at.getTime()) ? at : undefined });
      }
      return { reports, problems, cursor: new Date(now - OVERLAP_MS).toISOString() };
    },
    async health() {
      try {
        await get('services', common().filter(([k]) => k !== 'api_key'));
        return { ok: true, detail: `${base} answers` };
      } catch (e) {
        return { ok: false, detail: (e as Error).message };
      }
    },
  };

  /** `requests` mode: the current status of each request we sent, reported as it is (repeats dropped by id+status+time). */
  async function pullRequests(ids: string[]): Promise<StatusReport[]> {
    const reports: StatusReport[] = [];
    const plain = ids.filter((id) => !id.startsWith('token:'));
    for (let i = 0; i < plain.length; i += 50) {
      const res = await get('requests', [...common(), ['service_request_id', plain.slice(i, i + 50).join(',')]]);
      for (const r of readList(res.text, fmt, 'service_requests', 'request', name)) {
        if (!r.service_request_id || !r.status) continue;
        reports.push({ reference: String(r.service_request_id), code: String(r.status), description: r.status_notes ?? undefined, updateId: `${r.service_request_id}:${r.status}:${r.updated_datetime ?? ''}` });
      }
    }
    return reports;
  }
}
