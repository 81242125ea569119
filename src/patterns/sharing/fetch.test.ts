import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchBounded, isPrivateAddress, type FetchBounds } from './fetch.ts';

// A real HTTP peer on 127.0.0.1 that misbehaves in each of the ways a feed on the internet could.
let server: Server;
let base = '';
before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') return res.end('{"feed":"x"}');
    if (req.url === '/big') return res.end('x'.repeat(5000));
    if (req.url === '/big-chunked') {
      res.write('x'.repeat(3000));
      return res.end('x'.repeat(3000));
    }
    if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    if (req.url === '/hop') return res.writeHead(301, { location: '/ok' }).end();
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000).unref();
    if (req.url === '/gone') return res.writeHead(404).end();
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const open: FetchBounds = { maxBytes: 4096, timeoutMs: 500, maxRedirects: 3, allowPrivate: true };

test('within bounds a feed is read, following a redirect', async () => {
  assert.deepEqual(await fetchBounded(`${base}/ok`, open), { url: `${base}/ok`, body: '{"feed":"x"}' });
  assert.equal((await fetchBounded(`${base}/hop`, open)).url, `${base}/ok`);
});

test('too big (declared or streamed), too many redirects, too slow, not 200: each refused with its reason', async () => {
  await assert.rejects(fetchBounded(`${base}/big`, open), /5000 bytes, more than PATTERN_FEEDS_MAX_BYTES \(4096\)/);
  await assert.rejects(fetchBounded(`${base}/big-chunked`, { ...open, maxBytes: 4000 }), /more than PATTERN_FEEDS_MAX_BYTES/);
  await assert.rejects(fetchBounded(`${base}/loop`, open), /more than 3 redirects/);
  const t0 = Date.now();
  await assert.rejects(fetchBounded(`${base}/slow`, { ...open, timeoutMs: 200 }), /no answer within 200 ms/);
  assert.ok(Date.now() - t0 < 1500);
  await assert.rejects(fetchBounded(`${base}/gone`, open), /HTTP 404/);
  await assert.rejects(fetchBounded('file:///etc/passwd', open), /file: URLs are not fetched/);
  await assert.rejects(fetchBounded('http://user:pw@example.org/', open), /user name or password/);
});

test('loopback and private addresses are refused unless allowed, by literal address and by a name that resolves to one', async () => {
  const closed = { ...open, allowPrivate: false };
  await assert.rejects(fetchBounded(`${base}/ok`, closed), /127\.0\.0\.1 is a loopback or private address/);
  await assert.rejects(fetchBounded(`${base.replace('127.0.0.1', 'localhost')}/ok`, closed), /localhost resolves to .*loopback or private/);
  await assert.rejects(fetchBounded('http://[::1]:9/', closed), /::1 is a loopback or private address/);
  for (const a of ['10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::ffff:127.0.0.1', 'fd00::1', 'fe80::1']) assert.equal(isPrivateAddress(a), true, a);
  for (const a of ['93.184.216.34', '2a00:1450:4009:81f::200e', '8.8.8.8']) assert.equal(isPrivateAddress(a), false, a);
});
