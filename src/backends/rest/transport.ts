import http from 'node:http';
import https from 'node:https';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { DeliveryError } from '../port.ts';

// The transport half of the rest kind: HTTP with a timeout, bodies encoded and
// answers decoded as JSON, XML or form. It knows nothing of requests or vendors.

export type Format = 'json' | 'xml' | 'form';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** The decoded body: JSON value, XML as an object (namespace prefixes dropped, attributes as "@_name"), or the text. */
  body: unknown;
  text: string;
}

const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }) };

// Answers: no DOCTYPE at all (so no entity can be declared and expanded), tag text kept as text.
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseTagValue: false, ignoreDeclaration: true, trimValues: true });
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false });

/** An answer larger than this is refused (and the connection dropped): no case API needs more, and memory is shared. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

const CONTENT_TYPE: Record<Format, string> = { json: 'application/json', xml: 'application/xml; charset=utf-8', form: 'application/x-www-form-urlencoded' };

/** Encodes a template's result as a request body; a string is sent as it is. */
export function encodeBody(value: unknown, format: Format): { text: string; contentType: string } {
  if (typeof value === 'string') return { text: value, contentType: CONTENT_TYPE[format] };
  if (format === 'json') return { text: JSON.stringify(value), contentType: CONTENT_TYPE.json };
  if (format === 'form') {
    const fields = Object.entries((value ?? {}) as Record<string, unknown>).flatMap(([k, v]) => [v].flat().filter((x) => x !== undefined && x !== null).map((x) => [k, String(x)] as [string, string]));
    return { text: new URLSearchParams(fields).toString(), contentType: CONTENT_TYPE.form };
  }
  return { text: `<?xml version="1.0" encoding="utf-8"?>${builder.build(withoutNulls(value))}`, contentType: CONTENT_TYPE.xml };
}

// In XML a null is left out rather than sent as an empty element, which many schemas refuse for a typed field.
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(withoutNulls);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  return v;
}

/** Decodes an answer by its Content-Type (the configured format when it names none). */
export function decodeBody(text: string, contentType: string, format: Format, from: string): unknown {
  if (text.trim() === '') return null;
  const ct = contentType.toLowerCase();
  const kind = ct.includes('json') ? 'json' : ct.includes('xml') ? 'xml' : ct.startsWith('text/plain') || ct.startsWith('text/html') ? 'text' : format;
  try {
    if (kind === 'json') return JSON.parse(text);
    if (kind === 'xml') {
      if (/<!DOCTYPE/i.test(text)) throw new Error('a DOCTYPE is refused');
      return parser.parse(text, true);
    }
    return text;
  } catch (e) {
    throw new DeliveryError(`${from} sent a reply that is not ${kind === 'json' ? 'JSON' : 'XML'} (${(e as Error).message}): ${text.slice(0, 100)}`);
  }
}

/**
 * One HTTP exchange. Every answer comes back, whatever its status (the caller
 * decides what a 401 or a 4xx means); only a network failure or the timeout
 * throws, always as a retryable DeliveryError.
 */
export function exchange(url: string, init: { method: string; headers: Record<string, string>; body?: string }, timeoutMs: number): Promise<{ status: number; headers: Record<string, string>; text: string }> {
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
    const req = mod.request(u, { method: init.method, agent: agents[u.protocol as 'http:' | 'https:'], headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) {
          fail(new DeliveryError(`${u.origin} sent an answer larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('error', (e) => fail(new DeliveryError(`${u.origin} broke off its reply: ${e.message}`)));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, [v ?? ''].flat().join(', ')]));
        resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => {
      fail(new DeliveryError(`no answer from ${u.origin} within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => fail(new DeliveryError(`cannot reach ${u.origin}: ${e.code ?? e.message}`)));
    req.end(body);
  });
}

/** The same rule as every HTTP adapter: 408, 429 and 5xx may pass; other 4xx mean the data was refused. */
export function failedAnswer(from: string, a: { status: number; text: string }, alsoRetry: number[] = []): DeliveryError {
  const retryable = a.status === 408 || a.status === 429 || a.status >= 500 || alsoRetry.includes(a.status);
  return new DeliveryError(`${from} answered HTTP ${a.status}${a.text ? `: ${a.text.slice(0, 200)}` : ''}`, retryable);
}
