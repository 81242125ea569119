import type { Store } from '../core/store.ts';
import { ownsRequest, type BackendEvent } from '../core/delivery/outbox.ts';
import { recordUpdateOnce } from '../core/requests/record-update.ts';
import { mapStatus } from '../backends/status-map.ts';

export interface RemapMove {
  requestId: string;
  code: string;
  /** What the report meant under the old map ('unchanged' when it was unknown), and under the new one. */
  was: string;
  now: string;
  /** Only an owner's latest report moves the request; a shadow's, or an older one, is re-labelled only. */
  moves: boolean;
}

export interface RemapResult {
  backend: string;
  dryRun: boolean;
  changed: RemapMove[];
  /** Codes still not in the map, with how many reports carry them. */
  stillUnknown: Record<string, number>;
}

/**
 * After a back-end's statusMap changes, reads again every status report kept
 * from it whose meaning the new map changes (unknown codes now mapped, codes
 * mapped elsewhere). Each report is re-labelled; where it is the owner's latest
 * report of that request, it becomes an update through the core (process
 * rules apply, so a change the process forbids is flagged as before), once
 * however often this runs. With `dryRun`, says what would move and writes nothing.
 */
export async function remapStatuses(store: Store, backend: string, statusMap: Record<string, string>, opts: { dryRun: boolean }): Promise<RemapResult> {
  const events = await store.deliveries.events({ backend, limit: 1_000_000 });
  const latest = new Map<string, BackendEvent>();
  for (const e of events) latest.set(e.requestId, e);
  const changed: RemapMove[] = [];
  const stillUnknown: Record<string, number> = {};
  for (const e of events) {
    const m = mapStatus(statusMap, e.externalCode);
    if (!m.known) stillUnknown[e.externalCode] = (stillUnknown[e.externalCode] ?? 0) + 1;
    if (m.known === e.known && m.status === e.status) continue;
    const moves = m.known && latest.get(e.requestId) === e && ownsRequest(e.role);
    changed.push({ requestId: e.requestId, code: e.externalCode, was: e.status, now: m.status, moves });
    if (opts.dryRun) continue;
    if (moves) {
      await recordUpdateOnce(store, {
        requestId: e.requestId,
        jurisdictionId: e.jurisdictionId,
        status: m.status,
        description: e.description,
        mediaUrls: [],
        externalStatusCode: e.externalCode,
        // One per report and mapping: running again adds nothing.
        externalId: `${e.externalId}:as:${m.status}`,
        authorKind: 'backend',
        contact: {},
        updatedAt: e.at,
      });
    }
    await store.deliveries.remapEvent(e.id, m.status, m.known);
  }
  return { backend, dryRun: opts.dryRun, changed, stillUnknown };
}
