import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookBackend } from './index.ts';
import { sampleJob } from '../../../test/support/backend-contract.ts';
import { DeliveryError } from '../port.ts';

// A back-end that misbehaves in a chosen way per path, on 127.0.0.1.
let server: Server;
let base: string;
before(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const reply = (status: number, body: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      if (req.url === '/slow') return void setTimeout(() => reply(200, '{"reference":"late"}'), 1500);
      if (req.url === '/html') return reply(200, '<html>Service Unavailable</html>');
      if (req.url === '/noref') return reply(200, '{"ok":true}');
      if (req.url === '/invalid') return reply(422, '{"error":"service_code unknown"}');
      if (req.url === '/busy') return reply(429, '');
      if (req.url === '/cut') return res.socket?.destroy();
      reply(500, 'boom');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

const failure = async (path: string) => {
  const backend = webhookBackend('hook', { url: base + path, secret: 'fault-test-secret-0123456789' }, { timeoutMs: 300 });
  const err = await backend.deliverRequest(sampleJob()).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof DeliveryError, `a DeliveryError for ${path}, got ${err}`);
  return err;
};

test('a timeout is retryable and says how long we waited', async () => {
  const e = await failure('/slow');
  assert.equal(e.retryable, true);
  assert.match(e.message, /no answer from http:\/\/127\.0\.0\.1:\d+ within 300 ms/);
});

test('a malformed reply (not JSON, or no reference) is retryable: the case may not exist yet', async () => {
  const html = await failure('/html');
  assert.equal(html.retryable, true);
  assert.match(html.message, /not JSON/);
  const noref = await failure('/noref');
  assert.equal(noref.retryable, true);
  assert.match(noref.message, /no "reference"/);
});

test('500 and 429 are retried; a 422 is not (the back-end refused the data); a cut connection is retried', async () => {
  assert.equal((await failure('/500')).retryable, true);
  assert.equal((await failure('/busy')).retryable, true);
  const refused = await failure('/invalid');
  assert.equal(refused.retryable, false);
  assert.match(refused.message, /HTTP 422: \{"error":"service_code unknown"\}/);
  const cut = await failure('/cut');
  assert.equal(cut.retryable, true);
  assert.match(cut.message, /cannot reach .*(ECONNRESET|closed before an answer)/);
});
