import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { EventStore, NewEvent, StoredEvent } from '../core/events/event.ts';

type Row = Selectable<Database['events']>;
type Writer = Transaction<Database> | Kysely<Database>;

/** The stored columns of an event, without `request_id` when the request is being created with it. */
export function eventValues(e: NewEvent) {
  return {
    event_id: e.eventId,
    type: e.type,
    jurisdiction_id: e.jurisdictionId,
    service_code: e.serviceCode ?? null,
    data: JSON.stringify(e.data),
    time: e.time.getTime(),
    seq: null,
  };
}

/** Appends events inside the caller's transaction: they commit with the change or not at all. */
export async function insertEvents(trx: Writer, events: NewEvent[]) {
  if (!events.length) return;
  await trx
    .insertInto('events')
    .values(events.map((e) => ({ ...eventValues(e), request_id: e.requestId === undefined ? null : Number(e.requestId) })))
    .execute();
}

export const eventFromRow = (r: Row): StoredEvent => ({
  seq: Number(r.seq),
  eventId: r.event_id,
  type: r.type as StoredEvent['type'],
  jurisdictionId: r.jurisdiction_id,
  serviceCode: r.service_code ?? undefined,
  requestId: r.request_id === null ? undefined : String(r.request_id),
  time: new Date(Number(r.time)),
  data: JSON.parse(r.data),
});

/** Most rows one sequencer pass numbers; the next pass takes the rest. */
const SEQUENCE_BATCH = 5000;
/** pg_advisory_xact_lock key of the sequencer: one pass at a time across every process. */
const SEQUENCER_LOCK = 80_011;

/**
 * The event log. Writers insert rows with no `seq`; the sequencer numbers
 * committed rows one pass at a time (under a lock on PostgreSQL; SQLite has
 * one writer), continuing from the highest number given, so a row committed
 * after a pass always gets a higher number than every row already visible.
 * Readers see numbered rows only (docs/decisions/0080).
 */
export function eventStore(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): EventStore {
  // MATERIALIZED: the numbers are worked out once, before any row changes (both dialects honour it).
  const numberPass = (q: Writer) =>
    sql`with t as materialized (
          select id, (select coalesce(max(seq), 0) from events) + row_number() over (order by id) as s
          from events where seq is null order by id limit ${SEQUENCE_BATCH})
        update events set seq = (select t.s from t where t.id = events.id) where id in (select id from t)`.execute(q);

  const pending = async () => !!(await db.selectFrom('events').select('id').where('seq', 'is', null).limit(1).executeTakeFirst());

  async function sequence(): Promise<number> {
    let total = 0;
    while (await pending()) {
      const r =
        dialect === 'postgres'
          ? await db.transaction().execute(async (trx) => {
              await sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK})`.execute(trx);
              return numberPass(trx);
            })
          : await numberPass(db);
      const n = Number(r.numAffectedRows ?? 0);
      total += n;
      if (n < SEQUENCE_BATCH) break;
    }
    return total;
  }

  return {
    sequence,
    async read(q) {
      await sequence();
      let query = db.selectFrom('events').selectAll().where('seq', '>', q.after);
      if (q.types?.length) query = query.where('type', 'in', q.types);
      if (q.jurisdictionIds?.length) query = query.where('jurisdiction_id', 'in', q.jurisdictionIds);
      return (await query.orderBy('seq').limit(q.limit).execute()).map(eventFromRow);
    },
    async lastSeq() {
      await sequence();
      const row = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
      return Number(row?.m ?? 0);
    },
  };
}
