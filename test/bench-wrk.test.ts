import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrk } from '../bench/lib/wrk.ts';

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
