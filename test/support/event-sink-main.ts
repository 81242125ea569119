// Event subscribers in a process of their own, for the benchmark: N HTTP
// servers on 127.0.0.1 that consent to the CloudEvents web-hook handshake and
// answer 204 to every delivery, counting them. Prints the URLs as one JSON
// line; GET /stats on any of them answers { received } over all of them.
// Usage: node --import tsx test/support/event-sink-main.ts N
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const n = Number(process.argv[2] ?? '1');
let received = 0;
const servers = await Promise.all(
  Array.from({ length: n }, async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'OPTIONS') {
          res.writeHead(200, { 'WebHook-Allowed-Origin': String(req.headers['webhook-request-origin'] ?? '*') });
          return res.end();
        }
        if (req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ received }));
        }
        received++;
        res.writeHead(204);
        res.end();
      });
    });
    server.keepAliveTimeout = 10_000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return server;
  }),
);
process.stdout.write(`${JSON.stringify(servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/events`))}\n`);
process.on('SIGTERM', () => {
  for (const s of servers) s.closeAllConnections(), s.close();
  process.exit(0);
});
