import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from '../check.ts';

/** One call a client made to the recorder, as it arrived, with the answer given. */
export interface Recorded {
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string;
  /** The form fields, repeated keys kept (urlencoded or multipart). */
  fields: [string, string][];
  rawBody: string;
  exchange: Exchange;
}

export interface RecorderOptions {
  port: number;
  host?: string;
  apiKey?: string;
  jurisdiction?: string;
  /** Called after each call, so the command can stop after N reports. */
  onCall?: (r: Recorded) => void;
}

/** The one service the recorder offers: with a required list, a multi-value list and free text, so a client shows how it fills each. */
export const TEST_SERVICE = {
  service_code: 'pothole',
  service_name: 'Pothole',
  description: 'A hole in the road (a conformance test service)',
  metadata: 'true',
  type: 'realtime',
  keywords: 'road,pothole',
  group: 'Roads',
};
export const ATTRIBUTES = [
  { code: 'depth', datatype: 'singlevaluelist', required: 'true', variable: 'true', order: '1', description: 'How deep is it?', values: [{ key: 'shallow', name: 'Shallow' }, { key: 'deep', name: 'Deeper than 5 cm' }] },
  { code: 'hazards', datatype: 'multivaluelist', required: 'false', variable: 'true', order: '2', description: 'Anything else there?', values: [{ key: 'glass', name: 'Glass' }, { key: 'oil', name: 'Oil' }] },
  { code: 'notes', datatype: 'text', required: 'false', variable: 'true', order: '3', description: 'Anything else we should know' },
];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const tag = (name: string, v: unknown): string =>
  Array.isArray(v) ? v.map((x) => tag(name, x)).join('') : typeof v === 'object' && v ? `<${name}>${Object.entries(v).map(([k, x]) => tag(k, x)).join('')}</${name}>` : `<${name}>${esc(String(v))}</${name}>`;
const xmlDoc = (root: string, inner: string) => `<?xml version="1.0" encoding="utf-8"?>\n<${root}>${inner}</${root}>`;

/**
 * A GeoReport v2 endpoint for a client to talk to (`open311-client --listen`):
 * it answers as a well-behaved server would and records every call, so the
 * calls can be graded afterwards.
 */
export async function startRecorder(options: RecorderOptions) {
  const calls: Recorded[] = [];
  let nextId = 1001;
  const server: Server = createServer({ maxHeaderSize: 1024 * 1024 }, async (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://recorder');
    const raw = await bodyOf(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const fields = await fieldsOf(raw, contentType);
    const [status, type, body] = answer(req.method ?? 'GET', url.pathname.replace(/^.*\/open311\/v2/, ''), fields, () => String(nextId++));
    res.writeHead(status, { 'content-type': type }).end(body);
    const recorded: Recorded = {
      at: started,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      contentType,
      fields,
      rawBody: raw.toString('utf8'),
      exchange: { method: req.method ?? 'GET', url: `${url.pathname}${url.search}`, requestBody: raw.length ? raw.toString('utf8').slice(0, 4000) : undefined, status, contentType: type, headers: {}, body, ms: Date.now() - started },
    };
    calls.push(recorded);
    options.onCall?.(recorded);
  });
  await new Promise<void>((r) => server.listen(options.port, options.host ?? '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/open311/v2/`,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function fieldsOf(raw: Buffer, contentType: string): Promise<[string, string][]> {
  if (!raw.length) return [];
  if (/multipart\/form-data/i.test(contentType)) {
    try {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
      return [...form.entries()].filter((e): e is [string, string] => typeof e[1] === 'string');
    } catch {
      return [];
    }
  }
  return [...new URLSearchParams(raw.toString('utf8')).entries()];
}

function answer(method: string, path: string, fields: [string, string][], newId: () => string): [number, string, string] {
  const json = /\.json$/.test(path);
  const type = json ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8';
  const send = (root: string, item: string, items: object[]) => (json ? JSON.stringify(items) : xmlDoc(root, items.map((i) => tag(item, i)).join('')));
  if (method === 'GET' && /^\/services\.(xml|json)$/.test(path)) return [200, type, send('services', 'service', [TEST_SERVICE])];
  if (method === 'GET' && /^\/services\/pothole\.(xml|json)$/.test(path)) {
    const def = { service_code: 'pothole', attributes: ATTRIBUTES };
    return [200, type, json ? JSON.stringify(def) : xmlDoc('service_definition', `<service_code>pothole</service_code><attributes>${ATTRIBUTES.map((a) => tag('attribute', { ...a, ...(a.values ? { values: { value: a.values } } : {}) })).join('')}</attributes>`)];
  }
  if (method === 'POST' && /^\/requests\.(xml|json)$/.test(path)) {
    const code = fields.find(([k]) => k === 'service_code')?.[1];
    if (code !== 'pothole') return [404, type, send('errors', 'error', [{ code: 404, description: 'service_code was not found' }])];
    return [200, type, send('service_requests', 'request', [{ service_request_id: newId() }])];
  }
  if (method === 'GET' && /^\/(requests|servicerequestupdates)(\/[^/]+)?\.(xml|json)$/.test(path)) return [200, type, send(path.startsWith('/requests') ? 'service_requests' : 'service_request_updates', 'request', [])];
  if (method === 'POST' && /^\/servicerequestupdates\.(xml|json)$/.test(path)) return [200, type, send('service_request_updates', 'request_update', [{ update_id: newId() }])];
  return [404, type, send('errors', 'error', [{ code: 404, description: 'No such resource' }])];
}
