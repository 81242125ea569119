import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the GOV.UK Notify API v2, written from its OpenAPI
 * description (/work/shared/specs/notify): `POST /v2/notifications/email` and
 * `/sms`, `GET /v2/notifications[?reference=…]` and `/v2/notifications/{id}`,
 * each authenticated as Notify does (an HS256 JWT signed with the API key's
 * secret, `iss` = the service id, `iat` within 30 seconds), 429 above 3,000
 * messages a minute, and delivery receipts POSTed to a callback URL with a
 * bearer token. `fail(status, { afterStoring })` answers the next send with
 * an error, optionally after keeping the message (a lost reply).
 */
export async function notifyStandIn(opts: { templates: Record<string, { type: 'email' | 'sms'; subject?: string; body: string }>; callbackUrl?: string; callbackToken?: string }) {
  const serviceId = randomUUID();
  const secret = randomUUID();
  const apiKey = `pipework_test-${serviceId}-${secret}`;
  type Sent = { id: string; reference: string | null; type: 'email' | 'sms'; to: string; template_id: string; personalisation: Record<string, unknown>; subject?: string; body: string; one_click_unsubscribe_url?: string; status: string; created_at: string; completed_at?: string };
  const sent: Sent[] = [];
  const failures: { status: number; afterStoring: boolean }[] = [];
  const requests: { method: string; path: string; status: number }[] = [];
  const recent: number[] = [];
  let now = () => Date.now();
  let callback = { url: opts.callbackUrl, token: opts.callbackToken };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, kind: string, message: string) => send(res, status, { errors: [{ error: kind, message }], status_code: status });

  function authError(req: IncomingMessage): string | undefined {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return 'Unauthorized: authentication token must be provided';
    const [h, p, s] = token.split('.');
    if (!h || !p || !s) return 'Invalid token: signature, api token not found';
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    if (header.alg !== 'HS256') return 'Invalid token: algorithm used is not HS256';
    const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest();
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'Invalid token: API key not found';
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    if (claims.iss !== serviceId) return 'Invalid token: service not found';
    if (typeof claims.iat !== 'number' || Math.abs(now() / 1000 - claims.iat) > 30) return 'Error: Your system clock must be accurate to within 30 seconds';
    return undefined;
  }

  const render = (text: string, fields: Record<string, unknown>) => {
    const missing = [...text.matchAll(/\(\((\w+)\)\)/g)].map((m) => m[1]).filter((f) => !(f in fields));
    return { missing, text: text.replace(/\(\((\w+)\)\)/g, (_, f: string) => String(fields[f] ?? '')) };
  };

  function create(type: 'email' | 'sms', body: Record<string, unknown>, res: ServerResponse) {
    const to = type === 'email' ? body.email_address : body.phone_number;
    if (typeof to !== 'string' || (type === 'email' ? !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(to) : !/^\+?[0-9 ]{7,15}$/.test(to))) {
      return error(res, 400, 'ValidationError', type === 'email' ? 'email_address Not a valid email address' : 'phone_number Not a UK mobile number');
    }
    const template = typeof body.template_id === 'string' ? opts.templates[body.template_id] : undefined;
    if (!template || template.type !== type) return error(res, 400, 'BadRequestError', 'Template not found');
    const fields = (body.personalisation ?? {}) as Record<string, unknown>;
    if (typeof fields !== 'object' || Array.isArray(fields)) return error(res, 400, 'ValidationError', 'personalisation must be an object');
    const text = render(template.body, fields);
    const subject = template.subject ? render(template.subject, fields) : undefined;
    const missing = [...text.missing, ...(subject?.missing ?? [])];
    if (missing.length) return error(res, 400, 'BadRequestError', `Missing personalisation: ${missing.join(', ')}`);
    const unsubscribe = body.one_click_unsubscribe_url;
    if (unsubscribe !== undefined && (typeof unsubscribe !== 'string' || !unsubscribe.startsWith('https://'))) return error(res, 400, 'ValidationError', 'one_click_unsubscribe_url is not a valid https url');
    recent.push(now());
    while (recent.length && recent[0] < now() - 60_000) recent.shift();
    if (recent.length > 3000) return error(res, 429, 'RateLimitError', 'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds');
    const failure = failures.shift();
    const n: Sent = {
      id: randomUUID(), reference: typeof body.reference === 'string' ? body.reference : null, type, to, template_id: body.template_id as string,
      personalisation: fields, subject: subject?.text, body: text.text, one_click_unsubscribe_url: unsubscribe as string | undefined, status: 'sending', created_at: new Date(now()).toISOString(),
    };
    if (failure && !failure.afterStoring) return error(res, failure.status, 'Exception', 'Internal server error');
    sent.push(n);
    if (failure) return error(res, failure.status, 'Exception', 'Internal server error');
    send(res, 201, {
      id: n.id, reference: n.reference, scheduled_for: null, uri: `/v2/notifications/${n.id}`,
      content: type === 'email' ? { subject: n.subject, body: n.body, from_email: 'council@notifications.service.gov.uk', one_click_unsubscribe_url: n.one_click_unsubscribe_url ?? null } : { body: n.body, from_number: 'GOVUK' },
      template: { id: n.template_id, version: 1, uri: `/v2/template/${n.template_id}` },
    });
  }

  const view = (n: Sent) => ({ id: n.id, reference: n.reference, type: n.type, status: n.status, template: { id: n.template_id, version: 1, name: n.template_id }, body: n.body, subject: n.subject, created_at: n.created_at, completed_at: n.completed_at, ...(n.type === 'email' ? { email_address: n.to } : { phone_number: n.to }) });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.on('finish', () => requests.push({ method: req.method ?? '', path: url.pathname, status: res.statusCode }));
      const problem = authError(req);
      if (problem) return error(res, 403, 'AuthError', problem);
      if (req.method === 'POST' && (url.pathname === '/v2/notifications/email' || url.pathname === '/v2/notifications/sms')) {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString() || 'null');
        } catch {
          return error(res, 400, 'ValidationError', 'Invalid JSON supplied in POST data');
        }
        if (!body || typeof body !== 'object') return error(res, 400, 'ValidationError', 'Invalid JSON supplied in POST data');
        return create(url.pathname.endsWith('email') ? 'email' : 'sms', body as Record<string, unknown>, res);
      }
      if (req.method === 'GET' && url.pathname === '/v2/notifications') {
        const reference = url.searchParams.get('reference');
        const type = url.searchParams.get('template_type');
        const list = sent.filter((n) => (!reference || n.reference === reference) && (!type || n.type === type)).reverse();
        return send(res, 200, { notifications: list.map(view), links: { current: url.pathname + url.search } });
      }
      const one = /^\/v2\/notifications\/([0-9a-f-]{36})$/.exec(url.pathname);
      if (req.method === 'GET' && one) {
        const n = sent.find((x) => x.id === one[1]);
        return n ? send(res, 200, view(n)) : error(res, 404, 'NoResultFound', 'No result found');
      }
      error(res, 404, 'NotFound', 'Not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    apiKey,
    serviceId,
    sent,
    requests,
    /** The next send answers `status`; with `afterStoring`, Notify kept the message and only the reply was lost. */
    fail(status: number, options: { afterStoring?: boolean; times?: number } = {}) {
      for (let i = 0; i < (options.times ?? 1); i++) failures.push({ status, afterStoring: !!options.afterStoring });
    },
    /** Where delivery receipts go, and the bearer token they carry (set in Notify's settings). */
    setCallback(url: string, token: string) {
      callback = { url, token };
    },
    /** Moves the stand-in's own clock (to test the 30-second rule). */
    setNow(fn: () => number) {
      now = fn;
    },
    /** Marks a message delivered (or failed) and POSTs the receipt to the callback URL; resolves with the callback's HTTP status. */
    async receipt(id: string, status: 'delivered' | 'permanent-failure' | 'temporary-failure' | 'technical-failure', token = callback.token) {
      const n = sent.find((x) => x.id === id);
      if (!n || !callback.url) throw new Error('no such message, or no callback URL');
      n.status = status;
      n.completed_at = new Date(now()).toISOString();
      const res = await fetch(callback.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ id: n.id, reference: n.reference, to: n.to, status, created_at: n.created_at, completed_at: n.completed_at, sent_at: n.created_at, notification_type: n.type, template_id: n.template_id, template_version: 1 }),
      });
      return res.status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
