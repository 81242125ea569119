import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How long a turn may take before the next one starts fewer requests; new connections wait about this long each. */
const TURN_MS = 2;
const MAX_PER_TURN = 64;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Requests take turns: the server starts waiting requests in the order they
 * came, a few per event-loop turn, so that a turn lasts about TURN_MS
 * (decision 0186).
 *
 * libuv accepts one connection per turn, and Node runs every request that is
 * ready before it polls again. On a busy server a turn grows with the number
 * of busy connections, so each new connection waits a whole turn per
 * connection ahead of it in the accept queue: 50 new connections to a
 * saturated server took 1.8 s to be accepted, and their first answers were
 * the p99 of the run. Short turns let accepting keep pace with answering,
 * and nobody is served twice while another waits.
 */
export function takeTurns(server: Server): void {
  const handlers = server.listeners('request') as Handler[];
  if (handlers.length !== 1) throw new Error(`takeTurns wraps the server's one request handler; it has ${handlers.length}`);
  const [handle] = handlers;
  server.removeListener('request', handle);
  const waiting: [IncomingMessage, ServerResponse][] = [];
  let perTurn = 1;
  let lastTurnAt = 0;
  const next = () => {
    // The last turn's length sets this one's share: cheap requests (a POST handed to the writer
    // thread) start several to a turn, so they still commit together; a costly list starts alone.
    const now = performance.now();
    if (lastTurnAt) perTurn = now - lastTurnAt < TURN_MS ? Math.min(perTurn * 2, MAX_PER_TURN) : Math.max(perTurn >> 1, 1);
    const starting = waiting.splice(0, perTurn);
    if (waiting.length) setImmediate(next);
    lastTurnAt = waiting.length ? now : 0;
    for (const [req, res] of starting) handle.call(server, req, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (waiting.push([req, res]) === 1) setImmediate(next);
  });
}
