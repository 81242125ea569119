import type pg from 'pg';
import { pgDriver } from './driver.ts';

const CHANNEL = 'pipework_catalogue';
const RECONNECT_MS = 1000;

/**
 * A version number for the catalogue cache on PostgreSQL that moves whenever
 * any process, on any machine, commits a change to councils, services,
 * routes or back-ends: triggers (migration 0021) send a notice on
 * `pipework_catalogue` and this connection listens for it. While the
 * connection is down, notices would be missed, so every call gives a new
 * number and nothing is trusted from the cache until it is back.
 */
export function catalogueNotices(databaseUrl: string): { version: () => number; close: () => Promise<void> } {
  let version = 0;
  let listening = false;
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let attempt: Promise<void> = Promise.resolve();

  const lost = (c: pg.Client) => {
    if (client !== c) return;
    listening = false;
    version++;
    c.removeAllListeners();
    c.on('error', () => {});
    c.end().catch(() => {});
    client = undefined;
    if (!closed) retry = setTimeout(() => void (attempt = listen()), RECONNECT_MS).unref();
  };
  async function listen() {
    const c = new (pgDriver().Client)({ connectionString: databaseUrl });
    client = c;
    c.on('error', () => lost(c));
    c.on('end', () => !closed && lost(c));
    c.on('notification', () => void version++);
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      // Changes made before LISTEN took effect were not announced.
      version++;
      listening = true;
    } catch {
      lost(c);
    }
  }
  attempt = listen();
  return {
    version: () => (listening ? version : ++version),
    async close() {
      closed = true;
      clearTimeout(retry);
      // A client still connecting does not end until it has connected (or failed).
      await attempt;
      const c = client;
      client = undefined;
      listening = false;
      await c?.end().catch(() => {});
    },
  };
}
