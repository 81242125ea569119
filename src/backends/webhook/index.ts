import { Type, type Static } from '@sinclair/typebox';
import { DeliveryError, InboundError, type Backend, type BackendDeps, type StatusReport } from '../port.ts';
import { HttpUrl, StatusMap } from '../config.ts';
import { call, exchange, jsonReply } from '../http.ts';
import { requestPayload, updatePayload } from '../wire.ts';
import { signedHeaders, verifySignature } from './signing.ts';

export const WebhookConfig = Type.Object(
  {
    url: HttpUrl,
    secret: Type.String({ minLength: 16, description: 'Shared HMAC secret, at least 16 characters, used both ways' }),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
    statusMap: StatusMap,
  },
  { additionalProperties: false },
);
export type WebhookConfig = Static<typeof WebhookConfig>;

/**
 * JSON over HTTP to any back-end (contract: docs/webhook-contract.openapi.yaml).
 * Every call is signed and carries the job's Idempotency-Key; the back-end
 * pushes status updates to POST /backends/{name}/updates, signed the same way.
 */
export function webhookBackend(name: string, config: WebhookConfig, deps: BackendDeps): Backend {
  const timeoutMs = config.timeoutMs ?? deps.timeoutMs;
  const post = async (event: object, idempotencyKey: string) => {
    const body = JSON.stringify(event);
    const headers = { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, ...signedHeaders(config.secret, body) };
    return call(config.url, { method: 'POST', headers, body }, timeoutMs);
  };
  return {
    name,
    kind: 'webhook',
    statusUpdates: 'push',
    guarantee: 'idempotency-key',
    statusMap: config.statusMap ?? {},
    async deliverRequest(job) {
      const res = await post({ event: 'request.created', idempotency_key: job.idempotencyKey, request: requestPayload(job) }, job.idempotencyKey);
      const reply = jsonReply(res.text, name) as { reference?: unknown };
      const ref = reply?.reference;
      if ((typeof ref !== 'string' && typeof ref !== 'number') || String(ref).trim() === '') {
        throw new DeliveryError(`${name} accepted the request but its reply has no "reference": ${res.text.slice(0, 100)}`);
      }
      return { reference: String(ref) };
    },
    async deliverUpdate(job) {
      await post(
        { event: 'request.updated', idempotency_key: job.idempotencyKey, reference: job.reference, request: requestPayload(job), update: updatePayload(job) },
        job.idempotencyKey,
      );
      return {};
    },
    async handOver(reference, to, job) {
      // The contract's request.moved: the case is now handled elsewhere (routes move-open), so its staff stop working it.
      const key = `${job.idempotencyKey}-handover`;
      await post({ event: 'request.moved', idempotency_key: key, reference, to_backend: to, request: requestPayload(job) }, key);
    },
    async deliverErasure(job) {
      // A comment alone is a different event, so a receiver that knows only request.erased never erases someone else's case.
      const erased = job.updateId
        ? { event: 'update.erased', idempotency_key: job.idempotencyKey, reference: job.reference, service_request_id: job.requestId, service_code: job.serviceCode, update_id: job.updateId }
        : { event: 'request.erased', idempotency_key: job.idempotencyKey, reference: job.reference, service_request_id: job.requestId, service_code: job.serviceCode };
      const res = await post(erased, job.idempotencyKey);
      // A 2xx is the acknowledgement; a reference in a JSON reply (their erasure's id) is kept with it.
      let reply: { reference?: unknown } = {};
      try {
        reply = JSON.parse(res.text) ?? {};
      } catch {}
      return { reference: typeof reply?.reference === 'string' || typeof reply?.reference === 'number' ? String(reply.reference) : undefined };
    },
    async parseInbound(headers, body) {
      const why = verifySignature(config.secret, headers, body);
      if (why) throw new InboundError(`signature check failed: ${why}`, 401);
      let doc: unknown;
      try {
        doc = JSON.parse(body.toString('utf8'));
      } catch {
        throw new InboundError('the body is not JSON', 400);
      }
      const items = Array.isArray((doc as { updates?: unknown })?.updates) ? (doc as { updates: unknown[] }).updates : [doc];
      return items.map((item, i) => inboundReport(item, i));
    },
    async health() {
      // A signed GET, over the same exchange as deliveries: any answer below 500 means the back-end is there.
      try {
        const a = await exchange(config.url, { method: 'GET', headers: signedHeaders(config.secret, '') }, timeoutMs);
        return { ok: a.status < 500, detail: `HTTP ${a.status}` };
      } catch (e) {
        // The exchange says which origin could not be reached and why (refused, timed out, not a URL).
        return { ok: false, detail: (e as Error).message };
      }
    },
  };
}

function inboundReport(item: unknown, i: number): StatusReport {
  const o = (item ?? {}) as Record<string, unknown>;
  const where = `updates[${i}]`;
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : undefined);
  const reference = text(o.reference);
  const requestId = text(o.service_request_id);
  const code = text(o.status);
  if (!reference && !requestId) throw new InboundError(`${where}: give "reference" (yours) or "service_request_id" (ours)`, 400);
  if (!code) throw new InboundError(`${where}: "status" is required`, 400);
  let at: Date | undefined;
  if (o.updated_datetime !== undefined) {
    at = new Date(String(o.updated_datetime));
    if (Number.isNaN(at.getTime())) throw new InboundError(`${where}: "updated_datetime" must be an ISO 8601 date-time`, 400);
  }
  return { reference, requestId, code, description: text(o.description), updateId: text(o.update_id), at };
}
