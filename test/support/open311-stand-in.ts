import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stand-in does differently from the spec, each switchable while it runs. */
export interface StandInQuirks {
  /** XML root element for request lists (the spec: service_requests). */
  xmlRoot?: string;
  /** Create the case, then hold the answer this long (past the client's timeout) before sending it. */
  freezeMs?: number;
  /** How many POST requests to freeze (each after creating its case). */
  freezeCount?: number;
  /** Create the case and answer 201 with a body no parser can read, this many times. */
  garbleCount?: number;
  /** No servicerequestupdates at all: 404 to GET and POST. */
  noUpdates?: boolean;
  /** GET requests only by service_request_id: a search by service and dates answers 404. */
  noSearch?: boolean;
}

export interface StandInCase {
  service_request_id: string;
  service_code: string;
  description: string;
  lat?: string;
  long?: string;
  address?: string;
  status: string;
  status_notes?: string;
  requested_datetime: string;
  updated_datetime: string;
}

/**
 * An independent GeoReport v2 server on 127.0.0.1, written from the spec
 * with the habits of real ones: it IGNORES Idempotency-Key (the spec has
 * none), answers a bad api_key with 400 `{code, detail}`, and can use another
 * XML root, freeze past the timeout after creating a case, garble a 2xx, and
 * lack servicerequestupdates. Counts what it holds, so a test can assert one
 * case per report.
 */
export async function open311StandIn(apiKey: string, quirks: StandInQuirks = {}) {
  const cases: StandInCase[] = [];
  const comments: { service_request_id: string; description: string }[] = [];
  let posts = 0;
  let frozen = 0;
  let garbled = 0;
  const held = new Set<ServerResponse>();

  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let s = '';
      req.on('data', (c) => (s += c)).on('end', () => resolve(s));
    });
  const xmlList = (root: string, item: string, rows: object[]) =>
    `<?xml version="1.0" encoding="utf-8"?><${root}>${rows.map((r) => `<${item}>${Object.entries(r).map(([k, v]) => `<${k}>${String(v ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${k}>`).join('')}</${item}>`).join('')}</${root}>`;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /\/open311\/v2\/([a-z]+)\.(json|xml)$/.exec(url.pathname);
    const body = new URLSearchParams(await read(req));
    const fmt = m?.[2] ?? 'json';
    const send = (status: number, doc: unknown, root = 'service_requests', item = 'request') => {
      res.writeHead(status, { 'content-type': fmt === 'xml' ? 'text/xml' : 'application/json' });
      res.end(fmt === 'xml' ? xmlList(root, item, doc as object[]) : JSON.stringify(doc));
    };
    const error = (status: number, code: string, detail: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code, detail }));
    };
    if (!m) return error(404, 'not_found', 'no such endpoint');
    const [, what] = m;
    const params = req.method === 'POST' ? body : url.searchParams;
    if (what === 'services') return send(200, [{ service_code: 'pothole', service_name: 'Pothole', type: 'realtime', metadata: 'false' }], 'services', 'service');
    if (what === 'servicerequestupdates') {
      if (quirks.noUpdates) return error(404, 'not_found', 'no such endpoint');
      if (req.method === 'POST') {
        comments.push({ service_request_id: String(params.get('service_request_id')), description: String(params.get('description')) });
        return send(200, [{ update_id: String(comments.length) }], 'service_request_updates', 'request_update');
      }
      return send(200, [], 'service_request_updates', 'request_update');
    }
    if (what !== 'requests') return error(404, 'not_found', 'no such endpoint');
    if (req.method === 'POST') {
      if (params.get('api_key') !== apiKey) return error(400, 'invalid_api_key', 'The api_key is not valid');
      posts++;
      const now = new Date().toISOString();
      const c: StandInCase = {
        service_request_id: String(1000 + cases.length + 1),
        service_code: String(params.get('service_code')),
        description: String(params.get('description') ?? ''),
        ...(params.get('lat') ? { lat: String(params.get('lat')), long: String(params.get('long')) } : {}),
        ...(params.get('address_string') ? { address: String(params.get('address_string')) } : {}),
        status: 'open',
        requested_datetime: now,
        updated_datetime: now,
      };
      cases.push(c);
      const answer = () => (quirks.xmlRoot && fmt === 'xml' ? (res.writeHead(201, { 'content-type': 'text/xml' }), res.end(xmlList(quirks.xmlRoot, 'request', [{ service_request_id: c.service_request_id }]))) : send(201, [{ service_request_id: c.service_request_id }]));
      if (garbled < (quirks.garbleCount ?? 0)) {
        garbled++;
        res.writeHead(201, { 'content-type': 'text/html' });
        return res.end('<html><body>Created! <b>thanks</html');
      }
      if (quirks.freezeMs && frozen < (quirks.freezeCount ?? 1)) {
        frozen++;
        held.add(res);
        setTimeout(() => {
          held.delete(res);
          if (!res.destroyed) answer();
        }, quirks.freezeMs);
        return;
      }
      return answer();
    }
    const ids = url.searchParams.get('service_request_id');
    let rows = ids ? cases.filter((c) => ids.split(',').includes(c.service_request_id)) : cases;
    if (!ids && quirks.noSearch) return error(404, 'not_found', 'search is not supported; ask by service_request_id');
    if (!ids) {
      const code = url.searchParams.get('service_code');
      const from = url.searchParams.get('start_date');
      const to = url.searchParams.get('end_date');
      rows = rows.filter((c) => (!code || code.split(',').includes(c.service_code)) && (!from || c.requested_datetime >= new Date(from).toISOString()) && (!to || c.requested_datetime <= new Date(to).toISOString())).slice(-1000);
    }
    if (fmt === 'xml' && quirks.xmlRoot) {
      res.writeHead(200, { 'content-type': 'text/xml' });
      return res.end(xmlList(quirks.xmlRoot, 'request', rows));
    }
    return send(200, rows);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/open311/v2`,
    cases,
    comments,
    quirks,
    get posts() {
      return posts;
    },
    casesFor: (description: string) => cases.filter((c) => c.description === description).length,
    /** The upstream's own back office moves a case on, at its own time. */
    setStatus(id: string, status: string, at: Date, notes?: string) {
      const c = cases.find((x) => x.service_request_id === id);
      if (!c) throw new Error(`no case ${id}`);
      Object.assign(c, { status, updated_datetime: at.toISOString(), ...(notes ? { status_notes: notes } : {}) });
    },
    close: () =>
      new Promise<void>((r) => {
        for (const h of held) h.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
