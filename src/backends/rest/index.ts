import { DeliveryError, InboundError, keptInPipework, type Backend, type BackendDeps, type RequestJob, type StatusReport } from '../port.ts';
import { requestPayload, updatePayload } from '../wire.ts';
import { RestConfig, checkRestTemplates, type RestCall, type RestOperation } from './config.ts';
import { Templates, type Expr } from './templates.ts';
import { authenticator } from './auth.ts';
import { exchange, failedAnswer } from '../http.ts';
import { decodeBody, encodeBody, type Answer } from './transport.ts';
import { checkPushAuth, decodePush } from './push.ts';

export { RestConfig, checkRestTemplates };

/** How far back the first feed pull looks, and how much each feed pull overlaps the last (repeats are dropped by update id). */
const FIRST_LOOKBACK_MS = 24 * 3_600_000;
const OVERLAP_MS = 5 * 60_000;
/** Calls in flight at once in `each` pull mode: a vendor API is rarely sized for a burst from us. */
const PULL_CONCURRENCY = 4;

/**
 * Any JSON, XML or form HTTP API, by configuration (docs/backends.md, "rest").
 * Requests, comments and status polls are JSONata templates over one context
 * (the request in Open311 spelling, the update, the reference, `settings`,
 * earlier `steps`); answers are mapped back by JSONata too. Transport
 * (transport.ts, auth.ts) is kept apart from this mapping.
 */
export function restBackend(name: string, config: RestConfig, deps: BackendDeps): Backend {
  const timeoutMs = config.timeoutMs ?? deps.timeoutMs;
  const base = config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`;
  const format = config.format ?? 'json';
  const t = new Templates(name);
  const auth = authenticator(name, config.auth, t, timeoutMs);
  const settings = config.settings ?? {};

  /** One configured call; a non-2xx answer throws unless `raw`. After a 401 an OAuth2 token is renewed and the call made once more. */
  async function send(field: string, call: RestCall, context: object, raw = false): Promise<Answer> {
    let url = new URL(call.path === '' ? base : (await t.fill(`${field}.path`, call.path, context, true)).replace(/^\/+/, ''), base).toString();
    const query = await Promise.all(Object.entries(call.query ?? {}).map(async ([k, v]) => [k, await t.fill(`${field}.query.${k}`, v, context)] as [string, string]));
    if (query.length) url += (url.includes('?') ? '&' : '?') + new URLSearchParams(query).toString();
    const fmt = call.format ?? format;
    const headers: Record<string, string> = { accept: fmt === 'xml' ? 'application/xml, text/xml' : 'application/json' };
    let body: string | undefined;
    const value = call.body === undefined ? undefined : await t.evaluate(`${field}.body`, call.body, context);
    if (value !== undefined) {
      // An expression that gives nothing sends no body (rather than the text "undefined").
      const encoded = encodeBody(value, fmt);
      body = encoded.text;
      headers['content-type'] = encoded.contentType;
    }
    for (const [k, v] of Object.entries(call.headers ?? {})) headers[k.toLowerCase()] = await t.fill(`${field}.headers.${k}`, v, context);
    const attempt = async () => exchange(url, { method: call.method, headers: { ...lower(await auth.headers()), ...headers }, body }, timeoutMs);
    let res = await attempt();
    if (res.status === 401 && auth.refresh()) res = await attempt();
    if (!raw && (res.status < 200 || res.status >= 300)) throw failedAnswer(name, res, config.retryStatuses);
    return { ...res, body: decodeBody(res.text, res.headers['content-type'] ?? '', fmt, name) };
  }

  /** An operation: its `before` calls in order (answers in `steps`), then the main call; gives the context with `answer`. */
  async function run(field: string, op: RestOperation, context: Record<string, unknown>) {
    const steps: unknown[] = [];
    for (const [i, c] of (op.before ?? []).entries()) steps.push((await send(`${field}.before.${i}`, c, { ...context, steps })).body);
    const a = await send(field, op, { ...context, steps });
    return { ...context, steps, answer: a.body, response: { status: a.status, headers: a.headers }, text: a.text };
  }

  const reference = async (field: string, e: Expr, context: object) => {
    const v = await t.evaluate(field, e, context);
    return (typeof v === 'string' || typeof v === 'number') && String(v).trim() !== '' ? String(v).trim() : undefined;
  };
  const refused = async (field: string, e: Expr | undefined, context: object) => {
    const why = e === undefined ? undefined : await t.evaluate(field, e, context);
    if (why !== undefined && why !== null && why !== false && String(why).trim() !== '') throw new DeliveryError(`${name} refused it: ${String(why).slice(0, 300)}`, false);
  };
  const lookUp = async (job: RequestJob) => (config.find ? reference('find.reference', config.find.reference, await run('find', config.find, jobContext(job))) : undefined);
  const jobContext = (job: RequestJob) => ({
    request: { ...requestPayload(job), questions: job.questions ?? [] },
    idempotency_key: job.idempotencyKey,
    attempt: job.attempt,
    delivery_id: job.deliveryId,
    settings,
    now: new Date().toISOString(),
  });

  return {
    name,
    kind: 'rest',
    statusUpdates: config.push ? 'push' : config.pull ? 'pull' : 'none',
    pullIntervalMs: (config.pull?.everySeconds ?? 60) * 1000,
    statusMap: config.statusMap ?? {},
    // With `find`, a lost answer is looked up before sending again; without it a vendor that ignores Idempotency-Key may see a repeat.
    guarantee: config.find ? 'lookup-before-resend' : 'at-least-once',

    async deliverRequest(job) {
      const context = jobContext(job);
      // A back-end that ignores Idempotency-Key may already hold the case from an attempt whose answer was lost.
      if (job.attempt > 1) {
        const found = await lookUp(job);
        if (found) return { reference: found, note: 'adopted the case an earlier attempt made' };
      }
      const done = await run('create', config.create, context);
      await refused('create.failure', config.create.failure, done);
      const ref = await reference('create.reference', config.create.reference, done);
      // The vendor took it (a 2xx): sending again could make a second case, so it is delivered with the reference unknown, for `reconcile`.
      if (!ref) return { note: `${name} accepted the request but create.reference found no reference in its answer: ${done.text.slice(0, 100)}` };
      return { reference: ref };
    },

    reconcile: config.find ? async (job) => ({ reference: await lookUp(job) }) : undefined,

    async deliverUpdate(job) {
      // A vendor API without a comment call: the comment stays with the case here (as open311-upstream does for an upstream without servicerequestupdates).
      if (!config.comment) return keptInPipework(`${name}'s configuration has no "comment" call`);
      const done = await run('comment', config.comment, { ...jobContext(job), reference: job.reference, update: updatePayload(job) });
      await refused('comment.failure', config.comment.failure, done);
      return {};
    },

    ...(config.pull
      ? {
          async pullUpdates(cursor: string | undefined, refs: () => Promise<string[]>) {
            const pull = config.pull!;
            const now = Date.now();
            const context = { settings, now: new Date(now).toISOString() };
            const problems: string[] = [];
            const reports: StatusReport[] = [];
            if (pull.mode === 'feed') {
              const since = cursor ?? new Date(now - FIRST_LOOKBACK_MS).toISOString();
              const done = await run('pull', pull, { ...context, cursor: cursor ?? null, since });
              read(await t.evaluate('pull.reports', pull.reports, done), undefined, reports, problems);
              const next = pull.cursor ? await t.evaluate('pull.cursor', pull.cursor, done) : new Date(now - OVERLAP_MS).toISOString();
              return { reports, problems, cursor: typeof next === 'string' && next !== '' ? next : cursor };
            }
            const all = await refs();
            let failures = 0;
            let lastError: unknown;
            for (let i = 0; i < all.length; i += PULL_CONCURRENCY) {
              await Promise.all(
                all.slice(i, i + PULL_CONCURRENCY).map(async (ref) => {
                  try {
                    const done = await run('pull', pull, { ...context, reference: ref });
                    read(await t.evaluate('pull.reports', pull.reports, done), ref, reports, problems);
                  } catch (e) {
                    failures++;
                    lastError = e;
                    problems.push(`${name}: status of ${ref} not read: ${(e as Error).message}`);
                  }
                }),
              );
            }
            // Every call failed: the back-end is down or the configuration wrong; say so rather than report nothing.
            if (all.length && failures === all.length) throw lastError;
            return { reports, problems };
          },
        }
      : {}),

    ...(config.push
      ? {
          async parseInbound(headers: Record<string, string | string[] | undefined>, raw: Buffer) {
            const push = config.push!;
            checkPushAuth(push.auth, headers, raw);
            const body = decodePush(headers, raw, push.format ?? (format === 'xml' ? 'xml' : 'json'), name);
            const plain = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v ?? ''].flat().join(', ')]));
            let value: unknown;
            try {
              value = await t.evaluate('push.reports', push.reports, { body, headers: plain, settings, now: new Date().toISOString() });
            } catch (e) {
              throw new InboundError((e as Error).message, 400);
            }
            const reports: StatusReport[] = [];
            const problems: string[] = [];
            read(value, undefined, reports, problems);
            // All or nothing: the vendor is told which entries could not be read and may send them again, corrected.
            if (problems.length) throw new InboundError(problems.join('; '), 400);
            if (!reports.length) throw new InboundError(`push.reports found no report in the body: ${raw.toString('utf8').slice(0, 100)}`, 400);
            return reports;
          },
        }
      : {}),

    async health() {
      try {
        const res = await send('health', config.health ?? { method: 'GET', path: '' }, { settings, now: new Date().toISOString() }, true);
        const ok = config.health ? res.status < 400 : res.status < 500 && res.status !== 401 && res.status !== 403;
        return { ok, detail: `HTTP ${res.status}` };
      } catch (e) {
        return { ok: false, detail: (e as Error).message };
      }
    },
  };

  function lower(h: Record<string, string>) {
    return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
  }

  /** A `reports` result (one object or a list) as status reports; an entry without a code is set aside, said plainly. */
  function read(value: unknown, ref: string | undefined, reports: StatusReport[], problems: string[]) {
    const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() || undefined : undefined);
    for (const item of value === undefined || value === null ? [] : [value].flat()) {
      const o = (item ?? {}) as Record<string, unknown>;
      const code = text(o.code);
      const reference = text(o.reference) ?? ref;
      const requestId = text(o.service_request_id);
      if (!code || (!reference && !requestId)) {
        problems.push(`${name}: a report without ${code ? 'reference' : 'code'} was set aside: ${JSON.stringify(item).slice(0, 200)}`);
        continue;
      }
      const at = o.at === undefined || o.at === null ? undefined : new Date(String(o.at));
      reports.push({ reference, requestId, code, description: text(o.description), updateId: text(o.update_id), at: at && !Number.isNaN(at.getTime()) ? at : undefined });
    }
  }
}
