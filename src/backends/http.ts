import http from 'node:http';
import https from 'node:https';
import { DeliveryError } from './port.ts';

// Kept-alive connections to back-ends: a relay sends many small calls to few hosts.
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }) };

/**
 * One HTTP call to a back-end, with a timeout, turning every way it can go
 * wrong into a DeliveryError that says what happened. 408, 429 and 5xx (and
 * network failures, timeouts) are worth retrying; other 4xx mean the back-end
 * refused the data itself, so retrying cannot help. (node:http rather than
 * fetch: at thousands of deliveries a second fetch's per-call overhead shows.)
 */
export function call(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
  retried = false,
): Promise<{ status: number; text: string; contentType: string }> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.reject(new DeliveryError(`not a URL: ${url}`, false));
  }
  const mod = u.protocol === 'https:' ? https : http;
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: DeliveryError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(e);
    };
    const req = mod.request(
      u,
      { method: init.method, agent: retried ? false : agents[u.protocol as 'http:' | 'https:'], headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => fail(new DeliveryError(`${u.origin} broke off its reply: ${e.message}`)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ status, text, contentType: String(res.headers['content-type'] ?? '') });
          const retryable = status === 408 || status === 429 || status >= 500;
          reject(new DeliveryError(`${u.origin} answered HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`, retryable, { status, text }));
        });
      },
    );
    const timer = setTimeout(() => {
      fail(new DeliveryError(`no answer from ${u.origin} within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as we reused it: a GET is safe to send again, once, on a
      // socket of its own (the pool's other idle sockets may be closing at the same moment).
      if (!settled && !retried && init.method === 'GET' && req.reusedSocket && e.code === 'ECONNRESET') {
        settled = true;
        clearTimeout(timer);
        return resolve(call(url, init, timeoutMs, true));
      }
      fail(new DeliveryError(`cannot reach ${u.origin}: ${e.code ?? e.message}`));
    });
    req.end(body);
  });
}

/** Parses a JSON reply, or says it was malformed (retryable: the back-end may have been mid-deploy). */
export function jsonReply(text: string, from: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DeliveryError(`${from} sent a reply that is not JSON: ${text.slice(0, 100)}`);
  }
}
