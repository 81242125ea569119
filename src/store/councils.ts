import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { Council } from '../core/councils/council.ts';
import { FIRST_COUNCIL } from '../core/councils/council.ts';
import type { CouncilStore, CouncilWrite } from '../core/councils/port.ts';

/** A refusal decided inside a transaction that must roll back what it wrote. */
class Refused extends Error {
  constructor(readonly write: CouncilWrite) {
    super('refused');
  }
}

type Row = Selectable<Database['jurisdictions']>;
type Db = Kysely<Database> | Transaction<Database>;

/** Councils with their settings and hosts (migration 0014); `jurisdictions` keeps the id and name every other part reads. */
export function councilStore(db: Kysely<Database>): CouncilStore {
  const fromRows = (rows: Row[], hosts: { host: string; jurisdiction_id: string }[]): Council[] =>
    rows.map((r) => ({
      id: r.id,
      name: r.name,
      welshName: r.welsh_name ?? undefined,
      hosts: hosts.filter((h) => h.jurisdiction_id === r.id).map((h) => h.host).sort(),
      settings: JSON.parse(r.settings || '{}'),
      version: Number(r.version),
    }));
  const read = async (q: Db, ids?: string[]) => {
    let rows = q.selectFrom('jurisdictions').selectAll();
    if (ids) rows = rows.where('id', 'in', ids.length ? ids : ['\0']);
    const found = await rows.orderBy('id').execute();
    const hosts = found.length ? await q.selectFrom('council_hosts').selectAll().where('jurisdiction_id', 'in', found.map((r) => r.id)).execute() : [];
    return fromRows(found, hosts);
  };
  const hostTaken = async (q: Db, c: Omit<Council, 'version'>): Promise<CouncilWrite | undefined> => {
    if (!c.hosts.length) return undefined;
    const other = await q.selectFrom('council_hosts').selectAll().where('host', 'in', c.hosts).where('jurisdiction_id', '!=', c.id).executeTakeFirst();
    return other && { ok: false, problem: 'host', host: other.host, council: other.jurisdiction_id };
  };
  const writeHosts = async (q: Db, c: Omit<Council, 'version'>) => {
    await q.deleteFrom('council_hosts').where('jurisdiction_id', '=', c.id).execute();
    if (c.hosts.length) await q.insertInto('council_hosts').values(c.hosts.map((host) => ({ host, jurisdiction_id: c.id }))).execute();
  };
  const settingsOf = (c: Omit<Council, 'version'>) => ({ name: c.name, welsh_name: c.welshName ?? null, settings: JSON.stringify(c.settings) });
  // A write that lost a race to a unique key says which one, as the check before it would have.
  const afterRace = async (err: unknown, c: Omit<Council, 'version'>, first: boolean): Promise<CouncilWrite> => {
    if (first && (await db.selectFrom('install_state').select('id').executeTakeFirst())) return { ok: false, problem: 'not_first' };
    const taken = await hostTaken(db, c);
    if (taken) return taken;
    if (first && (await db.selectFrom('jurisdictions').select('id').executeTakeFirst())) return { ok: false, problem: 'not_first' };
    if (!first && (await db.selectFrom('jurisdictions').select('id').where('id', '=', c.id).executeTakeFirst())) return { ok: false, problem: 'exists' };
    throw err;
  };

  return {
    list: () => read(db),
    get: async (id) => (await read(db, [id]))[0],
    async byHost(host) {
      const row = await db.selectFrom('council_hosts').select('jurisdiction_id').where('host', '=', host).executeTakeFirst();
      return row ? (await read(db, [row.jurisdiction_id]))[0] : undefined;
    },
    async create(c, first) {
      try {
        return await db.transaction().execute(async (trx): Promise<CouncilWrite> => {
          if (first) {
            if (await trx.selectFrom('jurisdictions').select('id').executeTakeFirst()) return { ok: false, problem: 'not_first' };
            // The key of this one row lets one first council in, however many try at once. Taken before the
            // token, so the others wait here and never hold the token rows the winner deletes (no deadlock).
            await trx.insertInto('install_state').values({ id: 1, first_council_id: c.id, created_at: first.now.getTime() }).execute();
            if (first.tokenHash) {
              const used = await trx.deleteFrom('setup_tokens').where('hash', '=', first.tokenHash).where('expires_at', '>', first.now.getTime()).executeTakeFirst();
              // Thrown, not returned: the row above must be rolled back.
              if (Number(used.numDeletedRows) !== 1) throw new Refused({ ok: false, problem: 'token' });
            }
          } else if (await trx.selectFrom('jurisdictions').select('id').where('id', '=', c.id).executeTakeFirst()) return { ok: false, problem: 'exists' };
          const taken = await hostTaken(trx, c);
          if (taken) return taken;
          await trx.insertInto('jurisdictions').values({ id: c.id, created_at: Date.now(), ...settingsOf(c) }).execute();
          await writeHosts(trx, c);
          if (first) {
            await trx.updateTable('staff_roles').set({ jurisdiction_id: c.id }).where('jurisdiction_id', '=', FIRST_COUNCIL).execute();
            await trx.deleteFrom('setup_tokens').execute();
          }
          return { ok: true, council: (await read(trx, [c.id]))[0] };
        });
      } catch (err) {
        if (err instanceof Refused) return err.write;
        return afterRace(err, c, !!first);
      }
    },
    async update(c, expectVersion) {
      try {
        return await db.transaction().execute(async (trx): Promise<CouncilWrite> => {
          const taken = await hostTaken(trx, c);
          if (taken) return taken;
          const r = await trx
            .updateTable('jurisdictions')
            .set((eb) => ({ ...settingsOf(c), version: eb('version', '+', 1) }))
            .where('id', '=', c.id)
            .where('version', '=', expectVersion)
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) !== 1) {
            const exists = await trx.selectFrom('jurisdictions').select('id').where('id', '=', c.id).executeTakeFirst();
            return { ok: false, problem: exists ? 'conflict' : 'missing' };
          }
          await writeHosts(trx, c);
          return { ok: true, council: (await read(trx, [c.id]))[0] };
        });
      } catch (err) {
        return afterRace(err, c, false);
      }
    },
    async addSetupToken(hash, expiresAt, now) {
      await db.deleteFrom('setup_tokens').where('expires_at', '<=', now.getTime()).execute();
      await db.insertInto('setup_tokens').values({ hash, expires_at: expiresAt.getTime(), created_at: now.getTime() }).execute();
    },
  };
}
