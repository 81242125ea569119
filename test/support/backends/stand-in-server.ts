import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  text: string;
}
export interface StandInReply {
  status: number;
  body?: unknown;
  /** Sent as it is (e.g. XML); `body` is sent as JSON. */
  text?: string;
  contentType?: string;
}

/**
 * A real HTTP server on 127.0.0.1 for a vendor stand-in: hands each request,
 * body read whole, to `handle`, and writes its reply. `freeze()` makes it
 * hold every answer (a frozen back-end), `close()` makes it unreachable.
 */
export async function standInServer(handle: (r: StandInRequest) => StandInReply | Promise<StandInReply>) {
  let frozenMs = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const u = new URL(req.url ?? '/', 'http://stand-in');
      let reply: StandInReply;
      try {
        reply = await handle({ method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, text: Buffer.concat(chunks).toString('utf8') });
      } catch (e) {
        reply = { status: 500, body: { error: (e as Error).message } };
      }
      if (frozenMs) await new Promise((r) => setTimeout(r, frozenMs));
      const text = reply.text ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
      res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json; charset=utf-8' });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let open = true;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    freeze(ms: number) {
      frozenMs = ms;
    },
    async close() {
      if (!open) return;
      open = false;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Decodes HTTP Basic credentials, or undefined; `formEncoded` for OAuth2 clients, which form-encode both parts first (RFC 6749 §2.3.1). */
export function basicCredentials(headers: IncomingHttpHeaders, formEncoded = false): [string, string] | undefined {
  const m = /^Basic\s+(.+)$/i.exec(String(headers.authorization ?? ''));
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  const d = (x: string) => (formEncoded ? decodeURIComponent(x.replace(/\+/g, ' ')) : x);
  return i < 0 ? undefined : [d(text.slice(0, i)), d(text.slice(i + 1))];
}
