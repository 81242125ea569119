import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrk, wrk } from '../bench/lib/wrk.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// `npm run bench` reads wrk's own report; a misread unit would make every figure wrong by 1000×.

test('wrk\'s report is read with its units: microseconds, milliseconds, refusals and socket errors', () => {
  const printed = `Running 1s test @ http://127.0.0.1:18080/bad
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   460.16us    1.64ms  17.36ms   94.87%
    Req/Sec    44.06k    15.79k   54.94k    80.00%
  Latency Distribution
     50%   75.00us
     75%  100.00us
     90%  722.00us
     99%   10.15ms
  43919 requests in 1.01s, 5.99MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 43919
Requests/sec:  43517.81
Transfer/sec:      5.93MB
`;
  assert.deepEqual(parseWrk(printed), { requests: 43919, seconds: 1.01, non2xx: 43919, socketErrors: 5, p50: 0.075, p99: 10.15 });
  assert.throws(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused'), /wrk printed no result/);
});

test('wrk sends the method, headers and body it is given (a real run against a server on 127.0.0.1)', async () => {
  const seen: { method?: string; type?: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (seen.length < 3) seen.push({ method: req.method, type: req.headers['content-type'], body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const run = await wrk({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, method: 'POST', body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' }, connections: 1, seconds: 1 });
    assert.ok(run.requests > 0);
    assert.deepEqual(seen[0], { method: 'POST', type: 'application/x-www-form-urlencoded', body: 'a=1&b=2' });
  } finally {
    server.close();
  }
});
