import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** How long a turn may take before the next one starts fewer requests. */
const TURN_MS = 2;
const MAX_PER_TURN = 64;
/** How many turns in a row may start nothing while new connections come in (each turn accepts one). */
const ACCEPT_TURNS = 16;
/**
 * Accepting comes first only while fewer requests than this wait: past it, a flood of new connections waits
 * in the kernel's queue again, one accepted per turn of work, and a full queue turns clients away.
 */
const ACCEPT_WHILE_WAITING = 256;

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
 * and nobody is served twice while another waits; turns that start nothing
 * while connections come in let a burst of them in at once.
 */
export function takeTurns(server: Server): void {
  const handlers = server.listeners('request') as Handler[];
  if (handlers.length !== 1) throw new Error(`takeTurns wraps the server's one request handler; it has ${handlers.length}`);
  const [handle] = handlers;
  server.removeListener('request', handle);
  const waiting: [IncomingMessage, ServerResponse][] = [];
  let perTurn = 1;
  let lastTurnAt = 0;
  let accepted = false;
  let acceptingTurns = 0;
  server.on('connection', () => {
    accepted = true;
  });
  const next = () => {
    // A connection came in during the last turn, so more may wait in the kernel's queue: turns that start
    // nothing are short (once the answers already on their way are written), so a burst of new connections
    // is taken in at once (and queued here, in order) instead of one per working turn. Bounded in turns and
    // in queue length, so a flood of connections can neither stop the work nor queue here without end.
    const arrived = accepted;
    accepted = false;
    if (arrived && acceptingTurns < ACCEPT_TURNS && waiting.length < ACCEPT_WHILE_WAITING) {
      acceptingTurns++;
      lastTurnAt = 0;
      setImmediate(next);
      return;
    }
    acceptingTurns = 0;
    const now = performance.now();
    // The last turn's length sets this one's share: cheap requests (a POST handed to the writer
    // thread) start several to a turn, so they still commit together; a costly list starts alone.
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
