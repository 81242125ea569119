import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as httpServer } from 'node:http';
import { createServer as tcpServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as httpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionPool, KeptAliveConnection } from './kept-alive.ts';

// The small HTTP/1.1 client (the pusher's and the back-ends') against real peers on 127.0.0.1: node's own
// server, and a raw TCP one that answers in the shapes RFC 9112 allows.

const listen = async <T extends { listen: Function; address: () => unknown; close: Function }>(s: T) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook?x=1`;
};

test('requests go one after another over one kept-alive connection, with the body and headers as given', async () => {
  const sockets = new Set<Socket>();
  const seen: string[] = [];
  const server = httpServer((req, res) => {
    sockets.add(req.socket);
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${req.headers['webhook-id']} ${req.headers['content-length']} ${body}`);
      res.writeHead(seen.length === 3 ? 410 : 204).end(seen.length === 3 ? 'gone for good' : undefined);
    });
  });
  const conn = new KeptAliveConnection(new URL(await listen(server)));
  try {
    const answers = [];
    for (let i = 1; i <= 4; i++) answers.push(await conn.request('POST', '/hook?x=1', [['webhook-id', `m${i}`]], `{"n":${i}}`, 2000));
    assert.deepEqual(answers.map((a) => a.status), [204, 204, 410, 204]);
    assert.equal(answers[2].text, 'gone for good');
    assert.deepEqual(seen, ['POST /hook?x=1 m1 7 {"n":1}', 'POST /hook?x=1 m2 7 {"n":2}', 'POST /hook?x=1 m3 7 {"n":3}', 'POST /hook?x=1 m4 7 {"n":4}']);
    assert.equal(sockets.size, 1, 'one connection for all four');
  } finally {
    conn.close();
    server.closeAllConnections();
    server.close();
  }
});

test('answers chunked, until close, after 100 Continue, and a receiver that closes its idle socket; a silent one times out', async () => {
  let n = 0;
  const replies = [
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    'HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nfail\r\n3;x=y\r\ned!\r\n0\r\n\r\n',
    'HTTP/1.0 202 Accepted\r\n\r\nno length, ends with the connection',
  ];
  const server = tcpServer((socket) => {
    let got = '';
    socket.on('data', (c) => {
      got += c.toString();
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(got)?.[1] ?? 0);
      if (got.length < end + 4 + length) return;
      got = '';
      const i = n++;
      if (i < 3) socket.write(replies[i], () => i === 2 && socket.end());
      else if (i === 3 || i === 5) socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      else if (i === 4) socket.end(); // closes the kept-alive socket instead of answering: sent again on a new one
      // i === 6: never answers
    });
  });
  const conn = new KeptAliveConnection(new URL(await listen(server)));
  try {
    const a = await conn.request('POST', '/', [], 'one', 2000);
    assert.deepEqual([a.status, a.text, a.headers['content-length']], [200, 'ok', '2']);
    const b = await conn.request('POST', '/', [], 'two', 2000);
    assert.deepEqual([b.status, b.text], [500, 'failed!']);
    const c = await conn.request('POST', '/', [], 'three', 2000);
    assert.deepEqual([c.status, c.text], [202, 'no length, ends with the connection']);
    const d = await conn.request('POST', '/', [], 'four', 2000);
    assert.deepEqual([d.status, d.text], [204, ''], 'a request on a fresh connection after the peer closed');
    // Kept alive from d; the peer closes it as the request arrives: sent once more on a new one.
    const e = await conn.request('POST', '/', [], 'five', 2000, { resendIfStale: true });
    assert.equal(e.status, 204);
    assert.equal(n, 6, 'five was sent twice: once on the closed socket, once on a new one');
    await assert.rejects(conn.request('POST', '/', [], 'six', 200), /no answer within 200 ms/);
  } finally {
    conn.close();
    server.close();
  }
});

test('nothing listening is an error naming the cause, not a crash', async () => {
  const conn = new KeptAliveConnection(new URL('http://127.0.0.1:1/'));
  await assert.rejects(conn.request('POST', '/', [], '{}', 1000), /ECONNREFUSED/);
});

test('https: the certificate is checked; one the client trusts carries the request', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipework-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'c.pem'), 'utf8');
  const server = httpsServer({ key: readFileSync(join(dir, 'k.pem')), cert }, (req, res) => req.resume().on('end', () => res.writeHead(204).end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(`https://localhost:${(server.address() as AddressInfo).port}/hook`);
  const trusted = new KeptAliveConnection(url, { ca: cert });
  const stranger = new KeptAliveConnection(url);
  try {
    assert.equal((await trusted.request('POST', '/hook', [], '{}', 2000)).status, 204);
    assert.equal((await trusted.request('POST', '/hook', [], '{}', 2000)).status, 204);
    await assert.rejects(stranger.request('POST', '/hook', [], '{}', 2000), /self.signed|certificate/i);
  } finally {
    trusted.close();
    stranger.close();
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pool reuses connections per origin: requests in turn share one, requests at once take one each; repeated headers are joined', async () => {
  const sockets = new Set<Socket>();
  const server = httpServer((req, res) => {
    sockets.add(req.socket);
    req.resume().on('end', () => setTimeout(() => res.writeHead(200, [['X-Seen', 'a'], ['X-Seen', 'b'], ['Content-Type', 'text/plain']]).end(`${req.method} ${req.url}`), 5));
  });
  const base = await listen(server);
  const pool = new ConnectionPool(8);
  try {
    for (const path of ['/one', '/two?q=1', '/three']) assert.equal((await pool.request(new URL(path, base), 'GET', [], undefined, 2000)).text, `GET ${path}`);
    assert.equal(sockets.size, 1, 'in turn: one connection');
    const many = await Promise.all(Array.from({ length: 5 }, (_, i) => pool.request(new URL(`/at-once/${i}`, base), 'POST', [], `${i}`, 2000)));
    assert.deepEqual(many.map((a) => a.text), [0, 1, 2, 3, 4].map((i) => `POST /at-once/${i}`));
    assert.equal(sockets.size, 5, 'at once: the idle one and four more');
    assert.equal(many[0].headers['x-seen'], 'a, b');
  } finally {
    pool.close();
    server.closeAllConnections();
    server.close();
  }
});

test('an answer above the size limit is refused and its connection dropped', async () => {
  const server = httpServer((req, res) => req.resume().on('end', () => res.end('x'.repeat(req.url === '/big' ? 5000 : 10))));
  const base = await listen(server);
  const pool = new ConnectionPool(2, { maxAnswerBytes: 4096 });
  try {
    await assert.rejects(pool.request(new URL('/big', base), 'GET', [], undefined, 2000), /larger than/);
    assert.equal((await pool.request(new URL('/small', base), 'GET', [], undefined, 2000)).text, 'x'.repeat(10));
  } finally {
    pool.close();
    server.closeAllConnections();
    server.close();
  }
});
