import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * Another system subscribed to Pipework's events, over real HTTP on
 * 127.0.0.1: it answers the CloudEvents web-hook handshake (unless told not
 * to consent), verifies every delivery's Standard Webhooks signature with the
 * secret it was given, and keeps each event once. `down = true` answers 503.
 */
export async function eventSubscriber() {
  const events: { seq: number; id: string; type: string; council: string; data: Record<string, unknown> }[] = [];
  const state = { secret: '', down: false, consent: true, handshakes: [] as string[], badSignatures: 0, repeats: 0, refused: 0, contentTypes: new Set<string>() };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'OPTIONS') {
        const origin = String(req.headers['webhook-request-origin'] ?? '');
        state.handshakes.push(origin);
        res.writeHead(200, state.consent && origin ? { 'WebHook-Allowed-Origin': origin, Allow: 'POST' } : {});
        return res.end();
      }
      if (state.down) {
        state.refused++;
        res.writeHead(503);
        return res.end('down for maintenance');
      }
      const body = Buffer.concat(chunks).toString();
      try {
        new Webhook(state.secret).verify(body, req.headers as Record<string, string>);
      } catch {
        state.badSignatures++;
        res.writeHead(401);
        return res.end();
      }
      state.contentTypes.add(String(req.headers['content-type']));
      const e = JSON.parse(body);
      if (events.some((x) => x.id === e.id)) state.repeats++;
      else events.push(e);
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pipework-events`,
    events,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
