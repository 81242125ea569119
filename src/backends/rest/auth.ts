import { DeliveryError } from '../port.ts';
import type { RestConfig } from './config.ts';
import { exchange } from '../http.ts';
import { decodeBody, encodeBody } from './transport.ts';
import type { Templates } from './templates.ts';

/**
 * The headers that authenticate a call. `refresh()` is called after a 401:
 * for OAuth2 it drops the cached token so the next `headers()` fetches a new
 * one (the call is then made once more); for fixed credentials it returns
 * false, and the 401 stands.
 */
export interface Authenticator {
  headers(): Promise<Record<string, string>>;
  refresh(): boolean;
}

// A token is renewed this long before the expiry the server gave, so a call never carries one about to lapse.
const EARLY_MS = 30_000;

export function authenticator(name: string, auth: RestConfig['auth'], templates: Templates, timeoutMs: number): Authenticator {
  if (!auth || auth.type === 'none') return { headers: async () => ({}), refresh: () => false };
  if (auth.type === 'header') {
    const h = { [auth.header ?? 'Authorization']: `${auth.prefix ?? ''}${auth.apiKey}` };
    return { headers: async () => h, refresh: () => false };
  }
  if (auth.type === 'basic') {
    const h = { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    return { headers: async () => h, refresh: () => false };
  }

  // OAuth2 client credentials (RFC 6749 §4.4): one token shared by every call until it nears expiry;
  // calls that need one while it is being fetched wait for the same fetch.
  let token: { value: string; until: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async (): Promise<string> => {
    const form: Record<string, string> = { grant_type: 'client_credentials', ...(auth.scope ? { scope: auth.scope } : {}) };
    const headers: Record<string, string> = { accept: 'application/json' };
    if ((auth.credentials ?? 'basic') === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret)}`).toString('base64')}`;
    } else Object.assign(form, { client_id: auth.clientId, client_secret: auth.clientSecret });
    const body = encodeBody(form, 'form');
    const res = await exchange(auth.url, { method: 'POST', headers: { ...headers, 'content-type': body.contentType }, body: body.text }, timeoutMs);
    // Retryable even on 4xx: a corrected client secret lets the waiting jobs through without an operator.
    if (res.status < 200 || res.status >= 300) throw new DeliveryError(`${name}: the token endpoint answered HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 200)}` : ''}`);
    const answer = decodeBody(res.text, res.headers['content-type'] ?? '', 'json', `${name}'s token endpoint`) as Record<string, unknown> | null;
    const value = auth.read ? await templates.evaluate('auth.read', auth.read, answer ?? {}) : answer?.access_token;
    if (typeof value !== 'string' || value === '') throw new DeliveryError(`${name}: the token endpoint's answer has no access_token: ${res.text.slice(0, 100)}`);
    const seconds = Number(answer?.expires_in);
    token = { value, until: Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 3_600_000) - EARLY_MS };
    return value;
  };
  const header = auth.header ?? 'Authorization';
  const prefix = auth.prefix ?? 'Bearer ';
  return {
    async headers() {
      let value = token && token.until > Date.now() ? token.value : undefined;
      if (!value) {
        pending ??= fetchToken().finally(() => {
          pending = undefined;
        });
        value = await pending;
      }
      return { [header]: `${prefix}${value}` };
    },
    refresh() {
      token = undefined;
      return true;
    },
  };
}
