// A seeded generator of hostile HTTP requests for the Open311 edge: methods, paths, query
// strings, headers and bodies of every content type, and mutations of valid requests.
// The same seed always yields the same requests, so a failure can be replayed.

export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** mulberry32: small, fast and good enough to spread test cases. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof prng>;

/** encodeURIComponent, except that a lone surrogate is sent as the bytes a broken client would send. */
const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '')) + '%ED%A0%80';
  }
};

const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const RESOURCES = ['discovery', 'services', 'services/pothole', 'services/nope', 'requests', 'requests/1', 'requests/999999', 'tokens/abc', 'servicerequestupdates', 'widgets'];
const EXTENSIONS = ['.xml', '.json', '.xml', '.json', '.XML', '.csv', '', '.json/', '.xml.json'];
const KEYS = ['service_request_id', 'service_code', 'start_date', 'end_date', 'status', 'page', 'page_size', 'jurisdiction_id', 'api_key', 'attribute[depth]', 'lat', 'long'];
const OBJECT_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

/** Values chosen to break parsers, databases and renderers. */
function hostileValue(r: Rng): string {
  switch (r.int(16)) {
    case 0: return '';
    case 1: return '%zz';
    case 2: return String(r.pick([0, -1, 1e15, 99999999999999999999, 2 ** 53 + 1, 1.5, NaN]));
    case 3: return 'x'.repeat(r.pick([4001, 10_000, 40_000]));
    case 4: return '\u0000\u0001\u0007\u001f\uFFFE\uD800';
    case 5: return r.pick(OBJECT_NAMES);
    case 6: return r.pick(['2026-02-30T00:00:00Z', 'yesterday', '2026-01-01', '0000-00-00T00:00:00Z', '9999-12-31T23:59:59Z', '2026-01-01T00:00:00+25:00']);
    case 7: return r.pick(['open,lost', 'OPEN', 'reopen', ',,,', 'open,'.repeat(500)]);
    case 8: return '<x>&amp;</x>]]>';
    case 9: return '"\'\\;--';
    case 10: return Array.from({ length: r.int(3000) }, (_, i) => i).join(',');
    case 11: return '😀'.repeat(r.int(50));
    case 12: return '\r\n\r\n';
    case 13: return '[' .repeat(r.int(200));
    case 14: return 'pothole';
    default: return String(r.int(100));
  }
}

function path(r: Rng): string {
  if (r.chance(0.05)) return r.pick(['/', '/open311', '/open311/v2', '/open311/v2/', '/openapi.json', '/media/nope.jpg', '/admin/api/zz', '/open311/v1/services.xml']);
  let resource = r.pick(RESOURCES);
  if (r.chance(0.15)) resource = resource.replace(/[^/]+$/, (m) => r.pick([`${m}%zz`, `${m}%00`, `%E0%A4%A`, encode(hostileValue(r)).slice(0, 300) || m, `${m}/..`, `/${m}`]));
  return `/open311/v2/${resource}${r.pick(EXTENSIONS)}`;
}

function query(r: Rng): string {
  if (r.chance(0.3)) return '';
  const n = 1 + r.int(5);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = r.chance(0.1) ? `attribute[${r.pick(OBJECT_NAMES)}]` : r.pick(KEYS);
    const value = hostileValue(r);
    parts.push(r.chance(0.1) ? `${key}=${value}` : `${encode(key)}=${encode(value)}`);
  }
  return `?${parts.join('&')}`;
}

/** A valid request's fields, to be mutated. */
function fields(r: Rng, key: string): [string, string][] {
  const f: [string, string][] = [
    ['api_key', key],
    ['service_code', r.pick(['pothole', 'graffiti', 'missed_bin', 'nope'])],
    ['lat', '51.5'],
    ['long', '-0.12'],
    ['attribute[depth]', 'deep'],
    ['description', 'A hole'],
  ];
  if (r.chance(0.3)) f.push(['service_request_id', '1'], ['update_id', `u${r.int(1e6)}`], ['status', r.pick(['OPEN', 'REOPEN', 'FIXED', 'lost'])], ['updated_datetime', '2026-11-30T10:00:00Z']);
  const mutations = r.int(4);
  for (let i = 0; i < mutations; i++) {
    const at = r.int(f.length);
    switch (r.int(5)) {
      case 0: f.splice(at, 1); break;
      case 1: f[at] = [f[at][0], hostileValue(r)]; break;
      case 2: f.push([`attribute[${r.chance(0.5) ? r.pick(OBJECT_NAMES) : hostileValue(r).slice(0, 50)}]`, hostileValue(r)]); break;
      case 3: f.push([f[at][0], hostileValue(r)]); break;
      default: f.push([hostileValue(r).slice(0, 100), 'x']);
    }
  }
  return f;
}

const xmlName = (k: string) => k.replace(/^attribute\[(.*)\]$/, '$1');
function asXml(r: Rng, f: [string, string][]): string {
  const esc = (s: string) => (r.chance(0.8) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;') : s);
  const plain = f.filter(([k]) => !k.startsWith('attribute[')).map(([k, v]) => `<${k}>${esc(v)}</${k}>`);
  const attrs = f.filter(([k]) => k.startsWith('attribute[')).map(([k, v]) => `<${xmlName(k)}>${esc(v)}</${xmlName(k)}>`);
  let doc = `<?xml version="1.0"?><request>${plain.join('')}<attribute>${attrs.join('')}</attribute></request>`;
  if (r.chance(0.1)) doc = doc.replace('<request>', `<request>${'<a>'.repeat(200 + r.int(2000))}`);
  if (r.chance(0.05)) doc = `<!DOCTYPE r [<!ENTITY x "y">]>${doc}`;
  return doc;
}

function asJson(r: Rng, f: [string, string][]): string {
  const o: Record<string, unknown> = {};
  const attribute: Record<string, unknown> = {};
  for (const [k, v] of f) {
    if (k.startsWith('attribute[')) attribute[xmlName(k)] = r.chance(0.1) ? JSON.parse('['.repeat(50) + ']'.repeat(50)) : v;
    else o[k] = r.chance(0.1) ? r.pick([1, true, null, [], {}, [v, v]]) : v;
  }
  o.attribute = attribute;
  let text = JSON.stringify(o);
  if (r.chance(0.1)) text = text.replace('"attribute":{', `"attribute":{"deep":${'['.repeat(3000 + r.int(5000))}${']'.repeat(3000)}, `);
  if (r.chance(0.05)) text = text.replace('"attribute"', '"__proto__"');
  return text;
}

function asMultipart(r: Rng, f: [string, string][]): { type: string; body: Buffer } {
  const boundary = `b${r.int(1e9)}`;
  const parts = f.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  if (r.chance(0.5)) {
    const data = r.pick(['\xff\xd8\xff\xe0 jpeg-ish', '#!/bin/sh', '', 'GIF89a']);
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="photo${r.int(3)}"; filename="${r.pick(['a.jpg', '', '../../etc/passwd', '\u0000.png'])}"\r\nContent-Type: image/jpeg\r\n\r\n${data}\r\n`);
  }
  const body = `${parts.join('')}--${boundary}--\r\n`;
  const type = r.pick([`multipart/form-data; boundary=${boundary}`, 'multipart/form-data', `multipart/form-data; boundary="${boundary}"`, `multipart/form-data; boundary=wrong`]);
  return { type, body: Buffer.from(body, 'latin1') };
}

/** Cuts, flips or pads a body: the mutations of a valid request that real networks and attackers make. */
function damage(r: Rng, body: Buffer): Buffer {
  switch (r.int(6)) {
    case 0: return body.subarray(0, r.int(body.length + 1));
    case 1: {
      const copy = Buffer.from(body);
      for (let i = 0; i < 1 + r.int(5); i++) if (copy.length) copy[r.int(copy.length)] = r.int(256);
      return copy;
    }
    default: return body;
  }
}

export function hostileRequest(r: Rng, key: string): HostileRequest {
  const method = r.pick(METHODS);
  const url = path(r) + query(r);
  const headers: Record<string, string> = {};
  if (r.chance(0.1)) headers['idempotency-key'] = r.pick(['', 'x'.repeat(300), 'ok-key', '\u00e9']);
  if (r.chance(0.05)) headers.accept = r.pick(['application/json', '*/*', 'text/html', '']);
  if (method === 'GET' || method === 'HEAD' || r.chance(0.05)) return { method, url, headers };
  const f = fields(r, r.chance(0.7) ? key : 'wrong-key');
  let type: string;
  let body: Buffer;
  switch (r.int(6)) {
    case 0: ({ type, body } = asMultipart(r, f)); break;
    case 1: type = r.pick(['application/json', 'application/json; charset=utf-8']); body = Buffer.from(asJson(r, f)); break;
    case 2: type = r.pick(['text/xml', 'application/xml', 'text/xml; charset=utf-8']); body = Buffer.from(asXml(r, f)); break;
    case 3: type = r.pick(['text/plain', 'application/pdf', 'application/yaml', '', 'garbage/;;;']); body = Buffer.from(new URLSearchParams(f).toString()); break;
    default: type = 'application/x-www-form-urlencoded'; body = Buffer.from(new URLSearchParams(f).toString()); break;
  }
  if (type) headers['content-type'] = type;
  return { method, url, headers, payload: r.chance(0.2) ? damage(r, body) : body };
}
