import net from 'node:net';
import tls from 'node:tls';

/** What came back: the status and up to 1,000 bytes of the body (for the operator, on failures). */
export interface Answer {
  status: number;
  text: string;
}

const MAX_HEAD = 16 * 1024;
const KEPT_BODY = 1000;

/**
 * One kept-alive HTTP/1.1 connection to one origin, one request at a time:
 * what the pusher needs to send a subscriber one event after another (one
 * POST per event, in order). Node's http client builds a request object, an
 * agent entry, a response stream and their listeners for every call; at
 * thousands of deliveries a second on the thread that also serves HTTP, that
 * was the larger part of a push's CPU. This writes one buffer per request and
 * reads the answer's status, length and end, nothing else (RFC 9112: a body
 * by Content-Length, chunked, or until close; none for 1xx, 204 and 304).
 */
export class KeptAliveConnection {
  private socket?: net.Socket;
  private idleSince = 0;

  constructor(
    private url: URL,
    /** Sockets idle longer than this are not reused: the receiver may be closing them. */
    private idleMs = 4000,
    /** Certificates to trust besides the system's (tests pass their own). */
    private ca?: string,
  ) {}

  /** Sends one request; rejects on a network error, a timeout or an answer that cannot be read. */
  async request(method: string, headers: [string, string][], body: string, timeoutMs: number): Promise<Answer> {
    const reused = !!this.socket && Date.now() - this.idleSince < this.idleMs;
    if (!reused) this.close();
    try {
      return await this.once(method, headers, body, timeoutMs);
    } catch (err) {
      // A kept-alive socket the receiver closed just as this was sent: once more on a new one.
      // Delivery is at least once (receivers drop repeats by webhook-id), so a repeat is allowed.
      if (reused && (err as { beforeAnswer?: boolean }).beforeAnswer) return this.once(method, headers, body, timeoutMs);
      throw err;
    }
  }

  close() {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): net.Socket {
    const port = Number(this.url.port || (this.url.protocol === 'https:' ? 443 : 80));
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    const socket =
      this.url.protocol === 'https:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'], ...(this.ca ? { ca: [...tls.rootCertificates, this.ca] } : {}) })
        : net.connect({ host, port });
    socket.setNoDelay(true);
    // An idle socket the receiver closes or resets must not take the process down, nor be used again.
    socket.on('error', () => {});
    socket.on('close', () => this.socket === socket && (this.socket = undefined));
    return socket;
  }

  private once(method: string, headers: [string, string][], body: string, timeoutMs: number): Promise<Answer> {
    const socket = (this.socket ??= this.connect());
    const path = `${this.url.pathname || '/'}${this.url.search}`;
    const host = this.url.host;
    const bytes = Buffer.byteLength(body);
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\nContent-Length: ${bytes}\r\n`;
    for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
    return new Promise<Answer>((resolve, reject) => {
      let buf: Buffer = Buffer.alloc(0);
      let answer: { status: number; close: boolean; length?: number; chunked: boolean; bodyAt: number } | undefined;
      let settled = false;
      const finish = (err?: Error & { beforeAnswer?: boolean }, result?: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        if (err || !result || answer?.close) {
          if (this.socket === socket) this.socket = undefined;
          socket.destroy();
        } else this.idleSince = Date.now();
        if (err) reject(err);
        else resolve(result!);
      };
      const fail = (message: string) => finish(Object.assign(new Error(message), { beforeAnswer: buf.length === 0 }));
      const onError = (err: Error) => fail(err.message);
      const onClose = () => {
        // An answer without length ends with the connection.
        if (answer && answer.length === undefined && !answer.chunked) return finish(undefined, { status: answer.status, text: kept(buf.subarray(answer.bodyAt)) });
        fail(buf.length ? 'the connection closed in the middle of the answer' : 'the connection closed before an answer');
      };
      const onData = (chunk: Buffer): void => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        if (!answer) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return buf.length > MAX_HEAD ? fail('the answer’s headers are too long') : undefined;
          const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
          const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
          if (!m) return fail(`not an HTTP answer: ${lines[0].slice(0, 60)}`);
          const status = Number(m[2]);
          if (status >= 100 && status < 200) {
            // An interim answer (100 Continue): the real one follows.
            buf = buf.subarray(end + 4);
            if (buf.length) onData(Buffer.alloc(0));
            return;
          }
          const field = (name: string) => lines.find((l) => l.slice(0, name.length + 1).toLowerCase() === `${name}:`)?.slice(name.length + 1).trim();
          const connection = field('connection')?.toLowerCase();
          const chunked = /chunked/i.test(field('transfer-encoding') ?? '');
          const length = status === 204 || status === 304 || method === 'HEAD' ? 0 : chunked ? undefined : field('content-length') !== undefined ? Number(field('content-length')) : undefined;
          if (length !== undefined && !(length >= 0)) return fail('the answer’s Content-Length is not a number');
          answer = { status, chunked, length, bodyAt: end + 4, close: connection === 'close' || (m[1] === '0' && connection !== 'keep-alive') || (length === undefined && !chunked) };
        }
        const rest = buf.subarray(answer.bodyAt);
        if (answer.length !== undefined) {
          if (rest.length >= answer.length) finish(undefined, { status: answer.status, text: kept(rest.subarray(0, answer.length)) });
          return;
        }
        if (answer.chunked) {
          const body = dechunk(rest);
          if (body === 'bad') return fail('the answer’s chunks cannot be read');
          if (body) finish(undefined, { status: answer.status, text: kept(body) });
        }
      };
      const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.write(`${head}\r\n${body}`);
    });
  }
}

const kept = (b: Buffer) => b.subarray(0, KEPT_BODY).toString('utf8');

/** A whole chunked body (RFC 9112 §7.1), undefined while more is to come, 'bad' when it cannot be read. */
function dechunk(b: Buffer): Buffer | undefined | 'bad' {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = parseInt(b.subarray(at, eol).toString('latin1').split(';')[0].trim(), 16);
    if (!Number.isFinite(size) || size < 0) return 'bad';
    // The last chunk; the trailer section ends with an empty line.
    if (size === 0) return b.indexOf('\r\n\r\n', eol) >= 0 ? Buffer.concat(parts) : undefined;
    if (b.length < eol + 2 + size + 2) return undefined;
    parts.push(b.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
