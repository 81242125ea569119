import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signedHeaders, verifySignature } from '../../../src/backends/webhook/signing.ts';

export interface PeerOptions {
  secret: string;
  /** Drop repeats of an Idempotency-Key (answer with the first reference). Default true. */
  honourIdempotency?: boolean;
  /** Answer 503 to the first N calls. */
  refuseFirst?: number;
  /** Wait this long before answering each call. */
  delayMs?: number;
}

/**
 * A real webhook back-end on 127.0.0.1 for tests and the benchmark: checks
 * signatures, keeps cases by Idempotency-Key (when asked to), can refuse the
 * first calls, and can push signed status updates to Pipework.
 */
export async function webhookPeer(options: PeerOptions) {
  const honour = options.honourIdempotency ?? true;
  let refusals = options.refuseFirst ?? 0;
  let seq = 0;
  const cases = new Map<string, { reference: string; body: any }>();
  /** Every accepted request.created call, by key, counting repeats. */
  const calls = new Map<string, number>();
  const updates: any[] = [];
  /** Every request.erased and update.erased call (an erasure request sent on), repeats included. */
  const erasures: any[] = [];
  /** Every request.moved call (a case taken along by move-open). */
  const moves: any[] = [];
  let badSignatures = 0;
  /** GET …/stats?wait=N answers once N cases are held: a benchmark waits on one call, not a poll that shares the relay's thread. */
  const waiting: { cases: number; answer: () => void }[] = [];
  const stats = () => ({ cases: cases.size, calls: calls.size, repeated: [...calls.values()].filter((n) => n > 1).length });

  const read = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
    });

  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    const send = (status: number, doc: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(doc));
    };
    if (req.method === 'GET' && req.url?.includes('/stats')) {
      const wait = Number(new URL(req.url, 'http://peer').searchParams.get('wait') ?? 0);
      if (!Number.isInteger(wait) || wait < 0) return send(400, { error: 'wait must be a whole number of cases' });
      if (cases.size >= wait) return send(200, stats());
      return void waiting.push({ cases: wait, answer: () => send(200, stats()) });
    }
    if (req.method === 'GET') return send(200, { ok: true });
    if (verifySignature(options.secret, req.headers, body)) {
      badSignatures++;
      return send(401, { error: 'bad signature' });
    }
    if (refusals > 0) {
      refusals--;
      return send(503, { error: 'busy' });
    }
    const doc = JSON.parse(body.toString('utf8'));
    const key = String(req.headers['idempotency-key']);
    if (doc.event === 'request.erased' || doc.event === 'update.erased') {
      erasures.push(doc);
      return send(200, { reference: `ERASURE-${erasures.length}` });
    }
    if (doc.event === 'request.moved') {
      moves.push(doc);
      return send(200, { ok: true });
    }
    if (doc.event === 'request.updated') {
      updates.push(doc);
      return send(200, { ok: true });
    }
    calls.set(key, (calls.get(key) ?? 0) + 1);
    const existing = honour ? cases.get(key) : undefined;
    if (existing) return send(200, { reference: existing.reference });
    const reference = `CASE-${++seq}`;
    cases.set(honour ? key : `${key}#${seq}`, { reference, body: doc });
    send(201, { reference });
    for (let i = waiting.length - 1; i >= 0; i--) if (cases.size >= waiting[i].cases) waiting.splice(i, 1)[0].answer();
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  return {
    url,
    cases,
    calls,
    updates,
    erasures,
    moves,
    get badSignatures() {
      return badSignatures;
    },
    /** The signed call this back-end would make to report a status. */
    statusCall(reports: object[], secret = options.secret) {
      const body = JSON.stringify({ updates: reports });
      return { body, headers: { 'content-type': 'application/json', ...signedHeaders(secret, body) } };
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
