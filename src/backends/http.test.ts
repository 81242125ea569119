import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { call, exchange, MAX_ANSWER_BYTES } from './http.ts';
import { DeliveryError } from './port.ts';

// The one exchange every HTTP adapter makes, against a real peer on 127.0.0.1.
async function peer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

test('exchange gives every answer back, whatever its status, with lower-case headers', async () => {
  const p = await peer((req, res) => { res.writeHead(404, { 'X-Thing': 'a', 'content-type': 'text/plain' }).end(`no ${req.method}`); });
  try {
    const a = await exchange(`${p.url}/x`, { method: 'DELETE' }, 2000);
    assert.deepEqual([a.status, a.text, a.headers['x-thing'], a.headers['content-type']], [404, 'no DELETE', 'a', 'text/plain']);
  } finally {
    await p.close();
  }
});

test('exchange refuses an answer above the size limit and a peer slower than the timeout', async () => {
  const p = await peer((req, res) => {
    if (req.url === '/slow') return setTimeout(() => res.end('late'), 1000);
    res.writeHead(200);
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    const more = () => { while (sent <= MAX_ANSWER_BYTES && res.write(chunk)) sent += chunk.length; if (sent <= MAX_ANSWER_BYTES) res.once('drain', () => { sent += chunk.length; more(); }); else res.end(); };
    more();
  });
  try {
    await assert.rejects(exchange(`${p.url}/big`, { method: 'GET' }, 10_000), (e: DeliveryError) => e instanceof DeliveryError && /larger than 16 MiB/.test(e.message) && e.retryable);
    await assert.rejects(exchange(`${p.url}/slow`, { method: 'GET' }, 100), (e: DeliveryError) => /no answer from .* within 100 ms/.test(e.message) && e.retryable);
    await assert.rejects(exchange('not a url', { method: 'GET' }, 100), (e: DeliveryError) => /not a URL/.test(e.message) && !e.retryable);
  } finally {
    await p.close();
  }
});

test('a GET on a kept-alive socket the peer resets is sent again once, on a fresh socket; a POST is not', async () => {
  // The peer resets any socket on its second request: what a server closing an idle kept-alive socket looks like to us.
  const uses = new WeakMap<object, number>();
  let answered = 0;
  const p = await peer((req, res) => {
    const n = (uses.get(req.socket) ?? 0) + 1;
    uses.set(req.socket, n);
    if (n > 1) return req.socket.resetAndDestroy();
    answered++;
    res.end(`ok ${req.method}`);
  });
  try {
    await exchange(`${p.url}/warm`, { method: 'GET' }, 2000);
    assert.equal((await exchange(`${p.url}/again`, { method: 'GET' }, 2000)).text, 'ok GET');
    assert.equal(answered, 2);
    // The socket the GET was sent again on is kept alive and reset on its next use: a POST is not sent again.
    await assert.rejects(exchange(`${p.url}/post`, { method: 'POST', body: 'x' }, 2000), (e: DeliveryError) => /cannot reach .*ECONNRESET/.test(e.message) && e.retryable);
    assert.equal(answered, 2);
  } finally {
    await p.close();
  }
});

test('a header HTTP cannot carry is refused before anything is sent, and not retried', async () => {
  let seen = 0;
  const p = await peer((req, res) => (seen++, res.end(`ok ${req.headers['x-note']}`)));
  try {
    for (const headers of [{ 'x-note': 'a\r\nx-injected: yes' }, { 'x-note': 'nul\u0000' }, { 'bad name': 'x' }] as Record<string, string>[]) {
      await assert.rejects(exchange(`${p.url}/x`, { method: 'POST', headers, body: '{}' }, 2000), (e: DeliveryError) => e instanceof DeliveryError && !e.retryable && /cannot carry|not a valid HTTP header name/.test(e.message));
    }
    assert.equal(seen, 0);
    // Tabs and latin1 letters are sent as node:http sends them (a byte each).
    assert.equal((await exchange(`${p.url}/x`, { method: 'POST', headers: { 'x-note': 'tabs\tand café are fine' }, body: '{}' }, 2000)).text, 'ok tabs\tand café are fine');
  } finally {
    await p.close();
  }
});

test('call: 2xx resolves; 408, 429 and 5xx are retryable; other 4xx are not; the reply is kept', async () => {
  const p = await peer((req, res) => { res.writeHead(Number(req.url!.slice(1)), { 'content-type': 'application/json' }).end('{"why":"x"}'); });
  try {
    assert.equal((await call(`${p.url}/201`, { method: 'POST', body: '{}' }, 2000)).contentType, 'application/json');
    for (const [status, retryable] of [[408, true], [429, true], [503, true], [400, false], [422, false]] as const) {
      await assert.rejects(call(`${p.url}/${status}`, { method: 'POST', body: '{}' }, 2000), (e: DeliveryError) => e.retryable === retryable && e.reply?.status === status && e.reply.text === '{"why":"x"}' && e.message.startsWith(`${p.url} answered HTTP ${status}`));
    }
  } finally {
    await p.close();
  }
});
