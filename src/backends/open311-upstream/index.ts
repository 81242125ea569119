import { Type, type Static } from '@sinclair/typebox';
import { DeliveryError, keptInPipework, type Backend, type BackendDeps, type Probe, type RequestDelivered, type RequestJob, type StatusReport } from '../port.ts';
import { HttpUrl, StatusMap } from '../config.ts';
import { call } from '../http.ts';
import { readErrors, readList } from './read.ts';
import { requestFields, sameCase } from './fields.ts';

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
    /** `requests` mode: how many requests one poll reads (the least recently checked first). */
    pullPageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
    /** `requests` mode: how long a request closed in Pipework is still read (the upstream may reopen it). */
    closedGraceHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 8760, default: 72 })),
    /** Residents' comments: `auto` sends them as POST servicerequestupdates and keeps them in Pipework if the upstream has none; `keep` never sends them. */
    comments: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('keep')], { default: 'auto' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
    statusMap: StatusMap,
  },
  { additionalProperties: false },
);
export type Open311UpstreamConfig = Static<typeof Open311UpstreamConfig>;

/** How far back the first pull of updates looks, and how much each pull overlaps the last (repeats are dropped). */
const FIRST_LOOKBACK_MS = 24 * 3_600_000;
const OVERLAP_MS = 5 * 60_000;
/** Slack around the first attempt when looking for it upstream: the two clocks differ. */
const LOOKUP_SLACK_MS = 10 * 60_000;
/** Answers meaning "this endpoint does not exist here". */
const ABSENT = new Set([404, 405, 501]);

/**
 * Forwards requests to another GeoReport v2 server (JSON or XML) and pulls
 * its status back, so Pipework can front an existing Open311 back-end or
 * chain with another implementation (including another Pipework).
 *
 * GeoReport v2 has no idempotency, so an upstream may make a second case for
 * a re-sent report. This adapter never re-sends blind: a 2xx whose body it
 * cannot read is delivered with its reference unknown (found later by
 * `reconcile`), and before any second attempt it looks for the first send
 * (GET requests for that service around the first attempt, matched on the
 * fields it sent) and adopts the case it finds (docs/backends.md).
 */
export function open311UpstreamBackend(name: string, config: Open311UpstreamConfig, deps: BackendDeps): Backend {
  const timeoutMs = config.timeoutMs ?? deps.timeoutMs;
  const base = config.url.replace(/\/+$/, '');
  const fmt = config.format ?? 'json';
  const common = (): [string, string][] => [['api_key', config.apiKey], ...(config.jurisdictionId ? [['jurisdiction_id', config.jurisdictionId] as [string, string]] : [])];
  const where = (): [string, string][] => common().filter(([k]) => k !== 'api_key');
  const post = (path: string, fields: [string, string][], key: string) =>
    call(`${base}/${path}.${fmt}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key }, body: new URLSearchParams(fields).toString() }, timeoutMs).catch(
      (e) => Promise.reject(explain(e)),
    );
  const get = (path: string, params: [string, string][]) => call(`${base}/${path}.${fmt}?${new URLSearchParams(params)}`, { method: 'GET' }, timeoutMs).catch((e) => Promise.reject(explain(e)));
  const serviceCode = (job: RequestJob) => config.serviceCodes?.[job.request.serviceCode] ?? job.request.serviceCode;
  const fieldsOf = (job: RequestJob) => requestFields(job, serviceCode(job), common());

  /** The error an upstream gave, read whatever its shape; a refused key (400, 401 or 403) is said as such and not retried. */
  function explain(e: unknown): unknown {
    if (!(e instanceof DeliveryError) || !e.reply) return e;
    const errors = readErrors(e.reply.text);
    const said = errors.map((x) => `${x.code} ${x.description}`).join('; ');
    const keyRefused = [400, 401, 403].includes(e.reply.status) && (e.reply.status !== 400 || /api[_ ]?key|key/i.test(said || e.reply.text));
    if (keyRefused) return new DeliveryError(`${name} refused the API key (HTTP ${e.reply.status}${said ? `: ${said}` : ''}); check config.apiKey`, false, e.reply);
    return said ? new DeliveryError(`${name} answered HTTP ${e.reply.status}: ${said.slice(0, 300)}`, e.retryable, e.reply) : e;
  }

  /**
   * Looks for the case an earlier attempt of `job` may have made: GET requests
   * for its service from just before the first attempt until now, matched on
   * the fields sent, skipping cases other jobs already hold. `undefined`
   * reference: none there. Throws when the upstream cannot be asked now.
   */
  async function findFirstSend(job: RequestJob, since: Date): Promise<RequestDelivered & { unsupported?: string }> {
    const sent = fieldsOf(job);
    let res;
    try {
      res = await get('requests', [...where(), ['service_code', serviceCode(job)], ['start_date', new Date(since.getTime() - LOOKUP_SLACK_MS).toISOString()], ['end_date', new Date(Date.now() + LOOKUP_SLACK_MS).toISOString()]]);
    } catch (e) {
      const status = e instanceof DeliveryError ? e.reply?.status : undefined;
      if (status !== undefined && status >= 400 && status < 500) return { unsupported: `GET requests answered HTTP ${status}` };
      throw new DeliveryError(`${name}: not sending again until it can be asked whether the first send arrived (${(e as Error).message})`);
    }
    const { items } = readList(res.text, fmt, 'service_requests', 'request', name);
    const matches = [];
    for (const item of items) {
      if (!item.service_request_id || !sameCase(sent, item)) continue;
      if (await job.referenceTaken?.(String(item.service_request_id))) continue;
      matches.push(item);
    }
    matches.sort((a, b) => String(a.requested_datetime ?? '').localeCompare(String(b.requested_datetime ?? '')) || Number(a.service_request_id) - Number(b.service_request_id));
    if (!matches.length) return {};
    const ids = matches.map((m) => String(m.service_request_id));
    return {
      reference: ids[0],
      note: `adopted case ${ids[0]} made by an earlier attempt${ids.length > 1 ? `; the upstream holds ${ids.length} matching cases (${ids.slice(0, 5).join(', ')})` : ''}`,
      suspectDuplicate: ids.length > 1,
    };
  }

  return {
    name,
    kind: 'open311-upstream',
    statusUpdates: 'pull',
    guarantee: 'lookup-before-resend',
    pullIntervalMs: (config.pollSeconds ?? 60) * 1000,
    ...(config.pull === 'requests' ? { pullPages: { size: config.pullPageSize ?? 1000, closedGraceMs: (config.closedGraceHours ?? 72) * 3_600_000 } } : {}),
    statusMap: config.statusMap ?? {},
    async deliverRequest(job) {
      let suspect: string | undefined;
      if (job.attempt > 1) {
        // An earlier attempt may have made the case although its answer was lost: look before sending again.
        const found = await findFirstSend(job, job.firstAttemptAt ?? job.request.requestedAt);
        if (found.reference) return found;
        if (found.unsupported) suspect = `sent again without looking first (${found.unsupported}): the upstream may hold two cases`;
      }
      const res = await post('requests', fieldsOf(job), job.idempotencyKey);
      // From here on the upstream has the case: whatever the body says, this job is never sent again.
      let read;
      try {
        read = readList(res.text, fmt, 'service_requests', 'request', name);
      } catch (e) {
        if (e instanceof DeliveryError && !e.retryable) throw e; // an error document: no case was made
        return { note: `reference unknown: HTTP ${res.status} but ${(e as Error).message}`, suspectDuplicate: !!suspect };
      }
      const [item] = read.items;
      const id = item?.service_request_id ?? (item?.token ? `token:${item.token}` : undefined);
      const notes = [...read.notes, ...(suspect ? [suspect] : [])];
      if (!id) return { note: [`reference unknown: HTTP ${res.status} without service_request_id or token`, ...notes].join('; '), suspectDuplicate: !!suspect };
      return { reference: String(id), ...(notes.length ? { note: notes.join('; ') } : {}), ...(suspect ? { suspectDuplicate: true } : {}) };
    },
    async reconcile(job) {
      const found = await findFirstSend(job, job.firstAttemptAt ?? job.request.requestedAt);
      return found.unsupported ? {} : found;
    },
    async deliverUpdate(job) {
      const kept = keptInPipework;
      if (config.comments === 'keep') return kept(`${name} is configured not to take comments`);
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
      try {
        await post('servicerequestupdates', fields, job.idempotencyKey);
      } catch (e) {
        // servicerequestupdates is a UK extension: an upstream without it keeps comments out; staff see them in Pipework.
        if (e instanceof DeliveryError && e.reply && ABSENT.has(e.reply.status)) return kept(`${name} has no POST servicerequestupdates (HTTP ${e.reply.status})`);
        throw e;
      }
      return {};
    },
    async handOver(reference, to, job) {
      // Said as an update on the case (where the upstream takes them), so its staff stop working it here.
      if (config.comments === 'keep' || reference.startsWith('token:')) return;
      const fields: [string, string][] = [
        ...common(),
        ['service_request_id', reference],
        ['update_id', `pipework-moved-${job.idempotencyKey}`],
        ['status', job.request.status.toUpperCase()],
        ['description', `This case is now handled by ${to}; Pipework sends nothing more about it here.`],
        ['updated_datetime', new Date().toISOString()],
      ];
      await post('servicerequestupdates', fields, `${job.idempotencyKey}-handover`).catch((e) => {
        if (!(e instanceof DeliveryError && e.reply && ABSENT.has(e.reply.status))) throw e;
      });
    },
    async pullUpdates(cursor, refs) {
      const now = Date.now();
      if (config.pull === 'requests') return pullRequests(await refs());
      const start = cursor ? new Date(cursor) : new Date(now - FIRST_LOOKBACK_MS);
      const res = await get('servicerequestupdates', [...common(), ['start_date', start.toISOString()], ['end_date', new Date(now).toISOString()]]);
      const { items, notes } = readList(res.text, fmt, 'service_request_updates', 'request_update', name);
      const problems = [...notes];
      const reports: StatusReport[] = [];
      for (const u of items) {
        const code = u.external_status_code ?? u.status;
        if (!u.service_request_id || !code) {
          problems.push(`${name}: an update without service_request_id or status was set aside: ${JSON.stringify(u).slice(0, 200)}`);
          continue;
        }
        reports.push({ reference: String(u.service_request_id), code: String(code), description: u.description ?? undefined, updateId: u.update_id ? String(u.update_id) : undefined, at: dateOf(u.updated_datetime) });
      }
      return { reports, problems, cursor: new Date(now - OVERLAP_MS).toISOString() };
    },
    async health() {
      try {
        await get('services', where());
        return { ok: true, detail: `${base} answers` };
      } catch (e) {
        return { ok: false, detail: (e as Error).message };
      }
    },
    async probe() {
      const out: Probe[] = [];
      const tryIt = async (check: string, work: () => Promise<string>) => {
        try {
          out.push({ check, ok: true, detail: await work() });
        } catch (e) {
          out.push({ check, ok: false, detail: (e as Error).message });
        }
      };
      await tryIt('GET services', async () => {
        const { items, notes } = readList((await get('services', where())).text, fmt, 'services', 'service', name);
        const codes = new Set(items.map((s) => String(s.service_code)));
        const missing = Object.values(config.serviceCodes ?? {}).filter((c) => !codes.has(c));
        if (missing.length) throw new Error(`${items.length} services, but not the configured ${missing.join(', ')}`);
        return [`${items.length} services`, ...notes].join('; ');
      });
      const window: [string, string][] = [['start_date', new Date(Date.now() - 60_000).toISOString()], ['end_date', new Date().toISOString()]];
      await tryIt('GET requests (status pull, and the look-up before any re-send)', async () => {
        const { items, notes } = readList((await get('requests', [...where(), ...window])).text, fmt, 'service_requests', 'request', name);
        return [`answers (${items.length} in the last minute)`, ...notes].join('; ');
      });
      await tryIt(`GET servicerequestupdates${config.pull === 'updates' ? ' (the configured status pull)' : ' (for comments only)'}`, async () => {
        const { notes } = readList((await get('servicerequestupdates', [...common(), ...window])).text, fmt, 'service_request_updates', 'request_update', name);
        return ['answers', ...notes].join('; ');
      });
      const updates = { ...out[out.length - 1] };
      // Status comes by GET requests: without servicerequestupdates only comments are affected, and they are kept.
      if (config.pull === 'requests' && !updates.ok) out[out.length - 1] = { ...updates, ok: true, detail: `not there (${updates.detail})` };
      out.push({
        check: 'residents\u2019 comments',
        ok: true,
        detail: config.comments === 'keep' ? 'kept in Pipework (configured)' : updates.ok ? 'sent as POST servicerequestupdates' : 'kept in Pipework, seen by staff: the upstream has no servicerequestupdates',
      });
      return out;
    },
  };

  /** `requests` mode: the current status of each request in this page, with the upstream's own time (repeats dropped by id+status+time). */
  async function pullRequests(ids: string[]) {
    const reports: StatusReport[] = [];
    const problems: string[] = [];
    const plain = ids.filter((id) => !id.startsWith('token:'));
    for (let i = 0; i < plain.length; i += 50) {
      const res = await get('requests', [...common(), ['service_request_id', plain.slice(i, i + 50).join(',')]]);
      const { items, notes } = readList(res.text, fmt, 'service_requests', 'request', name);
      if (i === 0) problems.push(...notes);
      for (const r of items) {
        if (!r.service_request_id || !r.status) continue;
        reports.push({
          reference: String(r.service_request_id),
          code: String(r.status),
          description: r.status_notes ?? undefined,
          updateId: `${r.service_request_id}:${r.status}:${r.updated_datetime ?? ''}`,
          at: dateOf(r.updated_datetime),
        });
      }
    }
    return { reports, problems };
  }
}

const dateOf = (v: unknown) => {
  const d = v ? new Date(String(v)) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
};
