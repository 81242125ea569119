import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { PipeworkError, type ErrorCode } from '../core/errors.ts';

/** How one front end words a refusal for a URL of its own; undefined when the URL is not its. */
export type RawRefusal = (method: string, url: string, err: PipeworkError) => { contentType: string; body: string } | undefined;

// The start of the request each socket is reading, so a refusal of an over-long request line can still
// find the path it named (Node hands clientError only the chunk it was parsing when it gave up).
const heads = new WeakMap<Socket, Buffer>();
const METHOD_START = /^[A-Z]{3,10} \//;

/** Remembers each request's first chunk; called once per connection. */
export function watchRequestHeads(server: Server) {
  server.on('connection', (socket: Socket) => {
    socket.on('data', (chunk: Buffer) => {
      if (chunk.length > 4 && chunk[0] >= 0x41 && chunk[0] <= 0x5a && METHOD_START.test(chunk.subarray(0, 12).toString('latin1'))) heads.set(socket, chunk);
    });
  });
}

/**
 * Node's HTTP parser refuses some requests before Fastify sees them: a request line or headers
 * over the size bound, a malformed request, a timeout. Each is answered in the format of the
 * front end whose path it named (Open311 XML or JSON), and the connection is closed.
 */
export function clientErrorHandler(refusals: RawRefusal[]) {
  return (thrown: Error, socket: Socket) => {
    const err = thrown as Error & { code?: string; rawPacket?: unknown };
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const packet = Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined;
    const raw = packet && METHOD_START.test(packet.subarray(0, 12).toString('latin1')) ? packet : heads.get(socket);
    const head = raw?.toString('latin1') ?? '';
    const lineEnd = head.indexOf('\r\n');
    const [method = 'GET', url = '/'] = (lineEnd >= 0 ? head.slice(0, lineEnd) : head).split(' ');
    const error = new PipeworkError(codeOf(err.code, head, lineEnd));
    const { status, message } = error;
    const answer = refusals.map((r) => r(method, url, error)).find(Boolean) ?? {
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify({ error: { code: error.code, message, problems: [] } }),
    };
    const body = method === 'HEAD' ? '' : answer.body;
    socket.removeAllListeners('data');
    if (socket.writable) {
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${answer.contentType}\r\nContent-Length: ${Buffer.byteLength(answer.body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    // The rest of what the client sends is never read.
    setTimeout(() => socket.destroy(), 2000).unref();
  };
}

function codeOf(code: string | undefined, head: string, lineEnd: number): ErrorCode {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_REQUEST_HEADERS_TIMEOUT') return 'REQUEST_TIMEOUT';
  // The request line is the culprit when it alone outweighs the headers that followed it.
  if (code === 'HPE_HEADER_OVERFLOW') return lineEnd < 0 || lineEnd > head.length - lineEnd ? 'URL_TOO_LONG' : 'HEADERS_TOO_LARGE';
  return 'INVALID_INPUT';
}
