import net from 'node:net';
import tls from 'node:tls';

/** What came back: the status, the headers (names lower case, repeats joined with ", ") and the body. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface ConnectionOptions {
  /** Sockets idle longer than this are not reused: the receiver may be closing them. */
  idleMs?: number;
  /** Certificates to trust besides the system's (tests pass their own). */
  ca?: string;
  /** An answer larger than this is refused and the connection dropped. */
  maxAnswerBytes?: number;
}

export interface RequestOptions {
  /** Send once more on a new socket when a kept-alive one turns out closed before any answer. */
  resendIfStale?: boolean;
}

/** A request that cannot be sent as given (a header HTTP cannot carry): sending it again cannot help. */
export class UnsendableRequest extends Error {}

const MAX_HEAD = 64 * 1024;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Field values may hold tabs, visible ASCII and obs-text; never CR, LF or NUL (RFC 9110 §5.5).
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const NON_ASCII = /[^\x00-\x7f]/;
const OWN = new Set(['host', 'connection', 'content-length']);

/**
 * One kept-alive HTTP/1.1 connection to one origin, one request at a time
 * (decision 0151). Node's http client builds a request object, an agent
 * entry, a response stream and their listeners for every call; at thousands
 * of calls a second on the thread that also serves HTTP, that was the larger
 * part of a delivery's CPU. This writes one buffer per request and reads the
 * answer's head and body (RFC 9112: a body by Content-Length, chunked, or
 * until close; none for 1xx, 204, 304 and HEAD).
 */
export class KeptAliveConnection {
  private socket?: net.Socket;
  private idleSince = 0;
  private readonly idleMs: number;
  private readonly maxAnswerBytes: number;

  constructor(
    private origin: URL,
    private opts: ConnectionOptions = {},
  ) {
    this.idleMs = opts.idleMs ?? 4000;
    this.maxAnswerBytes = opts.maxAnswerBytes ?? 16 * 1024 * 1024;
  }

  /** Sends one request; rejects on a network error, a timeout, or an answer that cannot be read or is too large. */
  async request(method: string, path: string, headers: [string, string][], body: string | undefined, timeoutMs: number, opts: RequestOptions = {}): Promise<Answer> {
    const head = requestHead(method, path, this.origin.host, headers, body);
    const reused = this.usable;
    if (!reused) this.close();
    try {
      return await this.once(method, head, body, timeoutMs);
    } catch (err) {
      // A kept-alive socket the receiver closed just as this was sent: once more on a new one, where allowed.
      if (opts.resendIfStale && reused && (err as { beforeAnswer?: boolean }).beforeAnswer) return this.once(method, head, body, timeoutMs);
      throw err;
    }
  }

  /** Open and not yet idle too long to trust. */
  get usable() {
    return !!this.socket && Date.now() - this.idleSince < this.idleMs;
  }

  close() {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): net.Socket {
    const port = Number(this.origin.port || (this.origin.protocol === 'https:' ? 443 : 80));
    const host = this.origin.hostname.replace(/^\[|\]$/g, '');
    const ca = this.opts.ca;
    const socket =
      this.origin.protocol === 'https:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'], ...(ca ? { ca: [...tls.rootCertificates, ca] } : {}) })
        : net.connect({ host, port });
    socket.setNoDelay(true);
    // An idle socket the receiver closes or resets must not take the process down, nor be used again.
    socket.on('error', () => {});
    socket.on('close', () => this.socket === socket && (this.socket = undefined));
    return socket;
  }

  private once(method: string, head: string, body: string | undefined, timeoutMs: number): Promise<Answer> {
    const socket = (this.socket ??= this.connect());
    return new Promise<Answer>((resolve, reject) => {
      // The head is read from `buf`; the body is kept as the chunks that came (joined once, at the end).
      let buf: Buffer = Buffer.alloc(0);
      const parts: Buffer[] = [];
      let size = 0;
      let received = 0;
      let answer: { status: number; headers: Record<string, string>; close: boolean; length?: number; chunked: boolean } | undefined;
      let settled = false;
      const finish = (err?: Error & { beforeAnswer?: boolean }, text?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        if (err || answer?.close) {
          if (this.socket === socket) this.socket = undefined;
          socket.destroy();
        } else this.idleSince = Date.now();
        if (err) reject(err);
        else resolve({ status: answer!.status, headers: answer!.headers, text: text! });
      };
      const fail = (message: string) => finish(Object.assign(new Error(message), { beforeAnswer: received === 0 }));
      // A network error keeps its code (ECONNREFUSED, ECONNRESET …) for the caller's message.
      const onError = (err: NodeJS.ErrnoException) => finish(Object.assign(new Error(err.message), { code: err.code, beforeAnswer: received === 0 }));
      const joined = () => (parts.length === 1 ? parts[0] : Buffer.concat(parts));
      const onClose = () => {
        // An answer without length ends with the connection.
        if (answer && answer.length === undefined && !answer.chunked) return finish(undefined, joined().toString('utf8'));
        fail(received ? 'the connection closed in the middle of the answer' : 'the connection closed before an answer');
      };
      const onData = (chunk: Buffer): void => {
        received += chunk.length;
        if (!answer) {
          buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return buf.length > MAX_HEAD ? fail('the answer’s headers are too long') : undefined;
          const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
          const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
          if (!m) return fail(`not an HTTP answer: ${lines[0].slice(0, 60)}`);
          const status = Number(m[2]);
          const rest = buf.subarray(end + 4);
          buf = Buffer.alloc(0);
          // An interim answer (100 Continue): the real one follows.
          if (status >= 100 && status < 200) return rest.length ? onData(rest) : undefined;
          const headers = headersOf(lines);
          const connection = headers.connection?.toLowerCase();
          const chunked = /chunked/i.test(headers['transfer-encoding'] ?? '');
          const length = status === 204 || status === 304 || method === 'HEAD' ? 0 : chunked ? undefined : headers['content-length'] !== undefined ? Number(headers['content-length']) : undefined;
          if (length !== undefined && !(length >= 0)) return fail('the answer’s Content-Length is not a number');
          answer = { status, headers, chunked, length, close: connection === 'close' || (m[1] === '0' && connection !== 'keep-alive') || (length === undefined && !chunked) };
          chunk = rest;
        }
        if (chunk.length) (parts.push(chunk), (size += chunk.length));
        if (size > this.maxAnswerBytes) return fail(`the answer is larger than ${this.maxAnswerBytes / 1024 / 1024} MiB`);
        if (answer.length !== undefined) {
          if (size >= answer.length) finish(undefined, joined().subarray(0, answer.length).toString('utf8'));
          return;
        }
        // A chunked body ends with an empty line: only then is it worth reading whole.
        if (answer.chunked && endsWithBlankLine(parts)) {
          const whole = dechunk(joined());
          if (whole === 'bad') return fail('the answer’s chunks cannot be read');
          if (whole) finish(undefined, whole.toString('utf8'));
        }
      };
      // A timeout is never a stale socket: the request may be in hand, so it is not sent again.
      const timer = setTimeout(() => finish(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { beforeAnswer: false })), timeoutMs);
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      // One write: the head and a string body together. Header bytes are latin1, as node:http sends them;
      // for an all-ASCII head (nearly always) that is the same as the body's UTF-8.
      if (!NON_ASCII.test(head)) socket.write(body === undefined ? head : head + body);
      else socket.write(body === undefined ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body)]));
    });
  }
}

/** The request line and headers, checked: a name or value HTTP cannot carry is refused, never written. */
function requestHead(method: string, path: string, host: string, headers: [string, string][], body: string | undefined): string {
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n`;
  if (body !== undefined) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  for (const [k, v] of headers) {
    // These three are the connection's own, written above.
    if (OWN.has(k.toLowerCase())) continue;
    if (!TOKEN.test(k)) throw new UnsendableRequest(`the header name "${k.slice(0, 40)}" is not a valid HTTP header name`);
    if (BAD_VALUE.test(v)) throw new UnsendableRequest(`the header ${k} holds a character HTTP cannot carry (a line break or control character)`);
    head += `${k}: ${v}\r\n`;
  }
  return `${head}\r\n`;
}

function headersOf(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) continue;
    const name = lines[i].slice(0, colon).trim().toLowerCase();
    const value = lines[i].slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

function endsWithBlankLine(parts: Buffer[]): boolean {
  let tail = '';
  for (let i = parts.length - 1; i >= 0 && tail.length < 4; i--) tail = parts[i].subarray(-4).toString('latin1') + tail;
  return tail.endsWith('\r\n\r\n');
}

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

// Parsed URLs: a relay or pusher calls the same few URLs thousands of times a second (bounded: GET URLs carry queries).
const parsed = new Map<string, URL | undefined>();

/** The URL if it is http(s), else undefined; parsed once per distinct string. */
export function httpUrl(url: string): URL | undefined {
  if (parsed.has(url)) return parsed.get(url);
  let u: URL | undefined;
  try {
    u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') u = undefined;
  } catch {
    u = undefined;
  }
  if (parsed.size >= 1000) parsed.clear();
  parsed.set(url, u);
  return u;
}

/**
 * Kept-alive connections by origin, for many requests to few origins: a
 * request takes an idle connection or opens one, and gives it back after;
 * at most `maxIdle` per origin are kept.
 */
export class ConnectionPool {
  private idle = new Map<string, KeptAliveConnection[]>();

  constructor(
    private maxIdle: number,
    private opts: ConnectionOptions = {},
  ) {}

  async request(url: URL, method: string, headers: [string, string][], body: string | undefined, timeoutMs: number, opts?: RequestOptions): Promise<Answer> {
    const origin = url.origin;
    let free = this.idle.get(origin);
    if (!free) this.idle.set(origin, (free = []));
    let conn = free.pop();
    // Skip connections that went stale while idle; a fresh one is cheaper than a failed send.
    while (conn && !conn.usable) (conn.close(), (conn = free.pop()));
    conn ??= new KeptAliveConnection(url, this.opts);
    try {
      return await conn.request(method, `${url.pathname || '/'}${url.search}`, headers, body, timeoutMs, opts);
    } finally {
      // A failed exchange has already dropped its socket (not usable); a refused header leaves it fit to reuse.
      if (conn.usable && free.length < this.maxIdle) free.push(conn);
      else conn.close();
    }
  }

  close() {
    for (const list of this.idle.values()) for (const c of list) c.close();
    this.idle.clear();
  }
}
