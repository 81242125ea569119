import { createHmac, randomBytes } from 'node:crypto';
import { basicCredentials, standInServer, type StandInRequest } from './stand-in-server.ts';

export type PeerAuth = 'none' | 'header' | 'basic' | 'oauth2';

export const PEER_CREDENTIALS = { apiKey: 'peer-api-key-0123456789', username: 'pipework', password: 'pa:ss w%rd', clientId: 'pipework-client', clientSecret: 'peer-client-secret-0123456789' };

/**
 * A plain JSON case API on 127.0.0.1, the simplest thing a `rest` back-end
 * talks to: POST /v1/cases (honours Idempotency-Key), POST /v1/cases/{id}/notes,
 * GET /v1/cases/{id}. It demands one kind of credential: an X-Api-Key header,
 * HTTP Basic, or an OAuth2 bearer token from its own POST /oauth/token
 * (client credentials), which it can expire at will.
 */
export async function restPeer(auth: PeerAuth, options: { tokenSeconds?: number; /** Confirm's Web API style: the token comes base64-encoded and goes back in an AccessToken header. */ accessTokenHeader?: boolean } = {}) {
  const cases = new Map<string, { id: string; title: string; description: string; state: string; note: string; notes: string[]; body: any }>();
  const byKey = new Map<string, string>();
  const tokens = new Set<string>();
  const counts = { tokenRequests: 0, unauthorised: 0 };
  let seq = 1000;

  const authorised = (r: StandInRequest) => {
    if (auth === 'none') return true;
    if (auth === 'header') return r.headers['x-api-key'] === PEER_CREDENTIALS.apiKey;
    if (auth === 'basic') {
      const c = basicCredentials(r.headers);
      return !!c && c[0] === PEER_CREDENTIALS.username && c[1] === PEER_CREDENTIALS.password;
    }
    if (options.accessTokenHeader) return tokens.has(String(r.headers.accesstoken ?? ''));
    const m = /^Bearer (.+)$/.exec(String(r.headers.authorization ?? ''));
    return !!m && tokens.has(m[1]);
  };

  const server = await standInServer((r) => {
    if (r.method === 'POST' && r.path === '/oauth/token') {
      counts.tokenRequests++;
      const form = new URLSearchParams(r.text);
      const c = basicCredentials(r.headers, true) ?? [form.get('client_id') ?? '', form.get('client_secret') ?? ''];
      if (form.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
      if (c[0] !== PEER_CREDENTIALS.clientId || c[1] !== PEER_CREDENTIALS.clientSecret) return { status: 401, body: { error: 'invalid_client' } };
      const token = randomBytes(12).toString('hex');
      tokens.add(token);
      const sent = options.accessTokenHeader ? Buffer.from(token).toString('base64') : token;
      return { status: 200, body: { access_token: sent, token_type: 'Bearer', expires_in: options.tokenSeconds ?? 3600 } };
    }
    if (!authorised(r)) {
      counts.unauthorised++;
      return { status: 401, body: { error: 'unauthorised' } };
    }
    if (r.method === 'GET' && r.path === '/v1/') return { status: 200, body: { service: 'cases' } };
    if (r.method === 'POST' && r.path === '/v1/cases') {
      const doc = JSON.parse(r.text);
      if (!doc.title) return { status: 422, body: { errors: [{ field: 'title', message: 'is required' }] } };
      const key = String(r.headers['idempotency-key'] ?? '');
      const again = key && byKey.get(key);
      if (again) return { status: 200, body: { case: { id: again } } };
      const id = `C-${++seq}`;
      cases.set(id, { id, title: doc.title, description: doc.description, state: 'NEW', note: '', notes: [], body: doc });
      if (key) byKey.set(key, id);
      return { status: 201, body: { case: { id } } };
    }
    const note = /^\/v1\/cases\/([^/]+)\/notes$/.exec(r.path);
    if (note && r.method === 'POST') {
      const c = cases.get(decodeURIComponent(note[1]));
      if (!c) return { status: 404, body: { error: 'no such case' } };
      c.notes.push(JSON.parse(r.text).text);
      return { status: 201, body: { ok: true } };
    }
    const one = /^\/v1\/cases\/([^/]+)$/.exec(r.path);
    if (one && r.method === 'GET') {
      const c = cases.get(decodeURIComponent(one[1]));
      return c ? { status: 200, body: { case: { id: c.id, state: c.state, state_note: c.note } } } : { status: 404, body: { error: 'no such case' } };
    }
    return { status: 404, body: { error: `no route ${r.method} ${r.path}` } };
  });

  return {
    ...server,
    base: `${server.url}/v1/`,
    tokenUrl: `${server.url}/oauth/token`,
    cases,
    counts,
    setState(id: string, state: string, note: string) {
      const c = cases.get(id)!;
      c.state = state;
      c.note = note;
    },
    /**
     * Tells `url` (Pipework's inbound route) that a case changed state, over real HTTP, as the case API's
     * own webhooks would: JSON or XML, signed with an HMAC of the body (X-Cases-Signature: sha256=<hex>)
     * or carrying a shared secret (X-Cases-Token).
     */
    async notify(url: string, id: string, o: { as: 'json' | 'xml'; hmacSecret?: string; tokenSecret?: string; eventId: string }) {
      const c = cases.get(id)!;
      const at = new Date().toISOString();
      const body =
        o.as === 'json'
          ? JSON.stringify({ event: 'case.state_changed', event_id: o.eventId, changed_at: at, case: { id: c.id, state: c.state, state_note: c.note } })
          : `<?xml version="1.0"?><caseEvent xmlns:c="urn:cases"><c:eventId>${o.eventId}</c:eventId><c:changedAt>${at}</c:changedAt><c:case id="${c.id}"><c:state>${c.state}</c:state><c:note>${c.note}</c:note></c:case></caseEvent>`;
      const headers: Record<string, string> = { 'content-type': o.as === 'json' ? 'application/json' : 'application/xml' };
      if (o.hmacSecret) headers['x-cases-signature'] = `sha256=${createHmac('sha256', o.hmacSecret).update(body).digest('hex')}`;
      if (o.tokenSecret) headers['x-cases-token'] = o.tokenSecret;
      const res = await fetch(url, { method: 'POST', headers, body });
      return { status: res.status, body: await res.text() };
    },
    /** Forgets every token it gave out: the next call with one is a 401. */
    expireTokens: () => tokens.clear(),
  };
}
