import { ConnectionPool, UnsendableRequest, httpUrl } from '../http/kept-alive.ts';
import { DeliveryError } from './port.ts';

/** An answer larger than this is refused (and the connection dropped): no case API needs more, and memory is shared. */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

// Kept-alive connections to back-ends: a relay sends many small calls to few hosts, up to
// RELAY_CONCURRENCY at once; that many stay open per host between calls.
const pool = new ConnectionPool(256, { maxAnswerBytes: MAX_ANSWER_BYTES });

/** One HTTP answer, whatever its status. Header names are lower case; repeated headers are joined with ", ". */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * The one HTTP exchange every adapter makes: kept-alive connections, a
 * timeout on the whole exchange, answers above MAX_ANSWER_BYTES refused.
 * Every answer comes back whatever its status (the caller decides what a 401
 * or a 4xx means); a bad URL, a header HTTP cannot carry, a network failure
 * or the timeout throws a DeliveryError. A GET that meets a kept-alive
 * socket the back-end had just closed is sent once more; anything else is
 * left to the relay's retry and the adapter's guarantee. (A small HTTP/1.1
 * client, src/http/kept-alive.ts, rather than node:http or fetch: at
 * thousands of deliveries a second their per-call objects show.)
 */
export async function exchange(url: string, init: { method: string; headers?: Record<string, string>; body?: string }, timeoutMs: number): Promise<RawAnswer> {
  const u = httpUrl(url);
  if (!u) throw new DeliveryError(`not a URL Pipework can call (http or https): ${url}`, false);
  try {
    return await pool.request(u, init.method, Object.entries(init.headers ?? {}), init.body, timeoutMs, { resendIfStale: init.method === 'GET' });
  } catch (err) {
    if (err instanceof UnsendableRequest) throw new DeliveryError(`cannot call ${u.origin}: ${err.message}`, false);
    const e = err as NodeJS.ErrnoException & { beforeAnswer?: boolean };
    if (/^no answer within/.test(e.message)) throw new DeliveryError(`no answer from ${u.origin} within ${timeoutMs} ms`);
    if (e.code || e.beforeAnswer) throw new DeliveryError(`cannot reach ${u.origin}: ${e.code ?? e.message}`);
    throw new DeliveryError(`${u.origin}'s answer could not be used: ${e.message}`);
  }
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
