import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { DeliveryError } from './port.ts';

// Kept-alive connections to back-ends: a relay sends many small calls to few hosts.
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }) };

/** An answer larger than this is refused (and the connection dropped): no case API needs more, and memory is shared. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** One HTTP answer, whatever its status. Header names are lower case; repeated headers are joined with ", ". */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * The one HTTP exchange every adapter makes: kept-alive sockets, a timeout on
 * the whole exchange, answers above MAX_ANSWER_BYTES refused. Every answer
 * comes back whatever its status (the caller decides what a 401 or a 4xx
 * means); a bad URL, a network failure or the timeout throws a DeliveryError.
 * (node:http rather than fetch: at thousands of deliveries a second fetch's
 * per-call overhead shows.)
 */
export function exchange(url: string, init: { method: string; headers?: Record<string, string>; body?: string }, timeoutMs: number, retried = false): Promise<RawAnswer> {
  const t = targetOf(url);
  if (!t) return Promise.reject(new DeliveryError(`not a URL: ${url}`, false));
  const { mod, origin } = t;
  const body = init.body;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: DeliveryError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(e);
    };
    const headers = body === undefined ? { ...init.headers } : { ...init.headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = mod.request({ ...t.options, method: init.method, agent: retried ? false : t.agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) {
          fail(new DeliveryError(`${origin} sent an answer larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('error', (e) => fail(new DeliveryError(`${origin} broke off its reply: ${e.message}`)));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : (v ?? '');
        resolve({ status: res.statusCode ?? 0, headers, text: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => {
      fail(new DeliveryError(`no answer from ${origin} within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as we reused it: a GET is safe to send again, once, on a
      // socket of its own (the pool's other idle sockets may be closing at the same moment).
      if (!settled && !retried && init.method === 'GET' && req.reusedSocket && e.code === 'ECONNRESET') {
        settled = true;
        clearTimeout(timer);
        return resolve(exchange(url, init, timeoutMs, true));
      }
      fail(new DeliveryError(`cannot reach ${origin}: ${e.code ?? e.message}`));
    });
    // A string body goes out in the same write as the head (a Buffer would be a second one).
    req.end(body);
  });
}

interface Target {
  mod: typeof http | typeof https;
  agent: http.Agent;
  origin: string;
  options: http.RequestOptions;
}
/** Parsed URLs: a relay calls the same few URLs thousands of times a second (bounded: GET URLs carry queries). */
const targets = new Map<string, Target | undefined>();

function targetOf(url: string): Target | undefined {
  if (targets.has(url)) return targets.get(url);
  let t: Target | undefined;
  try {
    const u = new URL(url);
    const https_ = u.protocol === 'https:';
    t = { mod: https_ ? https : http, agent: agents[https_ ? 'https:' : 'http:'], origin: u.origin, options: urlToHttpOptions(u) };
  } catch {
    t = undefined;
  }
  if (targets.size >= 1000) targets.clear();
  targets.set(url, t);
  return t;
}

/**
 * The rule every HTTP adapter shares for a non-2xx answer: 408, 429 and 5xx
 * (and any status in `alsoRetry`) are worth retrying; other 4xx mean the
 * back-end refused the data itself, so retrying cannot help.
 */
export function failedAnswer(from: string, a: { status: number; text: string }, alsoRetry: readonly number[] = []): DeliveryError {
  const retryable = a.status === 408 || a.status === 429 || a.status >= 500 || alsoRetry.includes(a.status);
  return new DeliveryError(`${from} answered HTTP ${a.status}${a.text ? `: ${a.text.slice(0, 200)}` : ''}`, retryable, { status: a.status, text: a.text });
}

/**
 * One HTTP call to a back-end that must answer 2xx: the exchange, with every
 * other answer turned into a DeliveryError that says what happened
 * (`failedAnswer`).
 */
export async function call(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<{ status: number; text: string; contentType: string; headers: Record<string, string> }> {
  const a = await exchange(url, init, timeoutMs);
  if (a.status >= 200 && a.status < 300) return { ...a, contentType: a.headers['content-type'] ?? '' };
  throw failedAnswer(originOf(url), a);
}

const originOf = (url: string) => new URL(url).origin;

/** Parses a JSON reply, or says it was malformed (retryable: the back-end may have been mid-deploy). */
export function jsonReply(text: string, from: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DeliveryError(`${from} sent a reply that is not JSON: ${text.slice(0, 100)}`);
  }
}
