import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** A request as the stand-in sees it, and the answer it gives. */
export interface Call {
  method: string;
  path: string;
  params: URLSearchParams;
  body: URLSearchParams;
}
export interface Answer {
  status: number;
  contentType: string;
  body: string;
  /** Other response headers passed on (CORS, for instance). */
  headers?: Record<string, string>;
}

/** One way to break the server: change the call before Pipework sees it, or change Pipework's answer. */
export interface Breakage {
  call?: (c: Call) => Call | Answer;
  answer?: (c: Call, a: Answer) => Answer;
}

/**
 * A real Pipework app (Open311, or any of its HTTP surfaces) behind a small HTTP server that breaks one thing at a
 * time: `switch` names the breakage in use (none: Pipework as it is). It
 * accepts URLs of any length, so the limits seen are Pipework's own.
 */
export async function brokenStandIn(app: FastifyInstance, breakages: Record<string, Breakage>) {
  let current: Breakage | undefined;
  const server: Server = createServer({ maxHeaderSize: 1024 * 1024 }, async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://stand-in');
    let call: Call = { method: req.method ?? 'GET', path: url.pathname, params: url.searchParams, body: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) };
    const changed = current?.call?.(call);
    let answer: Answer;
    if (changed && 'status' in changed) answer = changed;
    else {
      if (changed) call = changed;
      const q = call.params.toString();
      const r = await app.inject({
        method: call.method as 'GET',
        url: `${call.path}${q ? `?${q}` : ''}`,
        headers: { host: req.headers.host ?? 'stand-in', ...(call.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(call.method === 'POST' ? { payload: call.body.toString() } : {}),
      });
      const passed = Object.entries(r.headers).filter(([k]) => k.startsWith('access-control-'));
      answer = { status: r.statusCode, contentType: String(r.headers['content-type'] ?? ''), body: r.body, headers: Object.fromEntries(passed.map(([k, v]) => [k, String(v)])) };
    }
    if (current?.answer) answer = current.answer(call, answer);
    res.writeHead(answer.status, { ...answer.headers, 'content-type': answer.contentType }).end(answer.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    use(name: string | undefined) {
      current = name ? breakages[name] : undefined;
      if (name && !current) throw new Error(`no breakage named ${name}`);
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

export const xmlAnswer = (body: string, status = 200): Answer => ({ status, contentType: 'text/xml; charset=utf-8', body });
export const jsonAnswer = (body: unknown, status = 200): Answer => ({ status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) });
