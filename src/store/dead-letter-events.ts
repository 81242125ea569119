import type { Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { DeliveryOutcome, DeliveryRole } from '../core/delivery/outbox.ts';
import { deadLetterEvents } from '../core/events/decide.ts';
import { insertEvents } from './events.ts';

/** Inside the relay's outcome transaction: one event per job given up on. */
export async function insertDeadLetterEvents(trx: Transaction<Database>, dead: DeliveryOutcome[]) {
  if (!dead.length) return;
  const rows = await trx.selectFrom('deliveries').selectAll().where('id', 'in', dead.map((o) => Number(o.deliveryId))).execute();
  const events = rows.flatMap((r) => {
    const o = dead.find((x) => Number(x.deliveryId) === r.id)!;
    const job = { id: String(r.id), requestId: String(r.request_id), jurisdictionId: r.jurisdiction_id, serviceCode: r.service_code, backend: r.backend, role: r.role as DeliveryRole, kind: r.kind };
    return deadLetterEvents(job, o.error, new Date(o.finishedAt));
  });
  await insertEvents(trx, events);
}
