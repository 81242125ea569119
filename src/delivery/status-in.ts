import { createHash } from 'node:crypto';
import type { Store } from '../core/store.ts';
import { PipeworkError } from '../core/errors.ts';
import { recordUpdateOnce } from '../core/requests/record-update.ts';
import type { Backend, StatusReport } from '../backends/port.ts';
import { ownsRequest } from '../core/delivery/outbox.ts';
import { mapStatus } from '../backends/status-map.ts';

export interface AppliedReport {
  requestId: string;
  status: string;
  known: boolean;
  /** The same report was already recorded (a re-send). */
  duplicate: boolean;
  /** Only owners' reports move the request; a shadow's are recorded for comparison. */
  shown: boolean;
  /** The update in the request's history (owners' reports only): the same for every copy of one report. */
  updateId?: string;
}

/**
 * Takes one status report from a back-end into Pipework. Every report is kept
 * as a back-end event (raw code, mapped status, known or not) for the
 * migration report. When the back-end owns the request (primary or canary) the
 * report also becomes an update through `recordUpdate` — authorKind
 * 'backend', raw code as externalStatusCode — so process rules apply as for
 * any other source. A shadow's reports never reach the public status.
 * Throws BACKEND_REFERENCE_UNKNOWN when the reference matches no request sent to this back-end.
 */
export async function applyStatusReport(store: Store, backend: Pick<Backend, 'name' | 'statusMap'>, report: StatusReport): Promise<AppliedReport> {
  const job = report.reference
    ? await store.deliveries.findByRef(backend.name, report.reference)
    : (await store.deliveries.forRequest(report.requestId ?? '')).find((d) => d.kind === 'request' && d.backend === backend.name);
  if (!job) {
    const which = report.reference ? `reference "${report.reference}"` : `service_request_id "${report.requestId}"`;
    throw new PipeworkError('BACKEND_REFERENCE_UNKNOWN', `${which} matches no request sent to back-end "${backend.name}"`);
  }
  const { status, known } = mapStatus(backend.statusMap, report.code);
  const at = report.at ?? new Date();
  const externalId = `${backend.name}:${report.updateId ?? digest([job.requestId, report.code, report.description ?? '', report.at?.toISOString() ?? ''])}`;
  const shown = ownsRequest(job.role);
  let duplicate = false;
  let updateId: string | undefined;
  if (shown) {
    // The core stores one update per back-end update id, however many copies arrive at once.
    const recorded = await recordUpdateOnce(store, {
      requestId: job.requestId,
      jurisdictionId: job.jurisdictionId,
      status,
      description: report.description ?? '',
      mediaUrls: [],
      externalStatusCode: report.code,
      externalId,
      authorKind: 'backend',
      contact: {},
      updatedAt: at,
    });
    duplicate = recorded.duplicate;
    updateId = recorded.update.id;
  }
  // Recorded after the update, so a crash in between is healed by the back-end's re-send.
  const event = await store.deliveries.recordEvent({
    requestId: job.requestId,
    jurisdictionId: job.jurisdictionId,
    backend: backend.name,
    role: job.role,
    externalCode: report.code,
    status,
    known,
    externalId,
    description: report.description ?? '',
    at,
    receivedAt: new Date(),
  });
  return { requestId: job.requestId, status, known, duplicate: shown ? duplicate : event.duplicate, shown, ...(updateId ? { updateId } : {}) };
}

const digest = (parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 24);
