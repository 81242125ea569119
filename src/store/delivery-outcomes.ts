import { CompiledQuery, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { DeliveryOutcome } from '../core/delivery/outbox.ts';

// The relay's outcome writes in plain SQL, a slice of up to 500 jobs per statement: built through the
// query builder, a batch's statements cost more than the database's own work (as for request inserts, decision 0040).

const SLICE = 500;
const texts = new Map<string, string>();

/** SQL text for `rows` tuples of placeholders (on PostgreSQL with each column's cast), then one more placeholder; built once per (dialect, statement, rows). */
function text(dialect: 'sqlite' | 'postgres', name: string, rows: number, casts: string[], build: (values: string, last: string) => string): string {
  const width = casts.length;
  const key = `${dialect}\0${name}\0${rows}`;
  let t = texts.get(key);
  if (!t) {
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) {
      const cells: string[] = [];
      for (let c = 0; c < width; c++) cells.push(dialect === 'postgres' ? `$${r * width + c + 1}${casts[c]}` : '?');
      tuples.push(`(${cells.join(', ')})`);
    }
    t = build(tuples.join(', '), dialect === 'postgres' ? `$${rows * width + 1}` : '?');
    if (texts.size < 2000) texts.set(key, t);
  }
  return t;
}

/**
 * Marks plain deliveries (no note, no suspected duplicate) delivered, only
 * where `worker` still holds them; returns the outcomes it recorded.
 */
export async function markDelivered(trx: Transaction<Database>, dialect: 'sqlite' | 'postgres', worker: string, ok: DeliveryOutcome[]): Promise<DeliveryOutcome[]> {
  const recorded: DeliveryOutcome[] = [];
  for (let i = 0; i < ok.length; i += SLICE) {
    const slice = ok.slice(i, i + SLICE);
    const sqlText = text(dialect, 'delivered', slice.length, ['::bigint', '::bigint', '::text'], (values, holder) =>
      dialect === 'postgres'
        ? `update deliveries as d set state = 'delivered', delivered_at = v.at, external_ref = v.ref, last_error = null, locked_by = null
            from (values ${values}) as v(id, at, ref)
            where d.id = v.id and d.locked_by = ${holder} and d.state = 'in_flight' returning d.id`
        : `with v(job, at, ref) as (values ${values})
            update deliveries set state = 'delivered', delivered_at = v.at, external_ref = v.ref, last_error = null, locked_by = null
            from v where deliveries.id = v.job and deliveries.locked_by = ${holder} and deliveries.state = 'in_flight' returning id`,
    );
    const params: unknown[] = [];
    for (const o of slice) params.push(Number(o.deliveryId), o.finishedAt, o.externalRef ?? null);
    params.push(worker);
    const done = await trx.executeQuery<{ id: number }>(CompiledQuery.raw(sqlText, params));
    const ids = new Set(done.rows.map((r) => Number(r.id)));
    for (const o of slice) if (ids.has(Number(o.deliveryId))) recorded.push(o);
  }
  return recorded;
}

/** One attempt row per recorded outcome. */
export async function insertAttempts(trx: Transaction<Database>, dialect: 'sqlite' | 'postgres', worker: string, recorded: DeliveryOutcome[]) {
  for (let i = 0; i < recorded.length; i += SLICE) {
    const slice = recorded.slice(i, i + SLICE);
    const sqlText = text(dialect, 'attempts', slice.length, ['', '', '', '', '', ''], (values) => `insert into delivery_attempts (delivery_id, worker, started_at, finished_at, outcome, error) values ${values}`);
    const params: unknown[] = [];
    for (const o of slice) params.push(Number(o.deliveryId), worker, o.startedAt, o.finishedAt, o.outcome, o.error ?? null);
    await trx.executeQuery(CompiledQuery.raw(sqlText, params));
  }
}
