import type { NewRequestUpdate, NewServiceRequest } from '../requests/request.ts';
import type { DeliveryRole } from '../delivery/outbox.ts';
import type { RouteChange } from '../routing/route.ts';
import { EVENT_TYPES, newEvent, type NewEvent } from './event.ts';

// Which events a change makes. Pure: the store calls these inside the change's
// own transaction, with what it read there, so the event and the change commit
// together. Public fields only: no name, email, phone, account or device id.

const iso = (d?: Date) => (d ? d.toISOString() : null);

export function requestCreatedEvents(input: NewServiceRequest, at: Date): NewEvent[] {
  return [
    newEvent({
      type: EVENT_TYPES.requestCreated,
      jurisdictionId: input.jurisdictionId,
      serviceCode: input.serviceCode,
      time: at,
      data: {
        service_code: input.serviceCode,
        status: 'open',
        requested_datetime: at.toISOString(),
        expected_datetime: iso(input.expectedAt),
        source: input.source,
        lat: input.location.lat ?? null,
        long: input.location.long ?? null,
        address: input.location.address ?? null,
      },
    }),
  ];
}

/** A change to a request's history: what it was before, as read in the same transaction. */
export interface UpdateContext {
  update: NewRequestUpdate & { id: string };
  serviceCode: string;
  previousStatus: string;
  at: Date;
}

/**
 * An internal note (staff only) makes a note event without its text; a public
 * update makes `update_added`, and `status_changed` as well when it moved the
 * request. A flagged update changed nothing, so it makes none.
 */
export function updateEvents({ update: u, serviceCode, previousStatus, at }: UpdateContext): NewEvent[] {
  if (u.flag) return [];
  const base = { jurisdictionId: u.jurisdictionId, serviceCode, requestId: u.requestId, time: at };
  if (u.internal) return [newEvent({ ...base, type: EVENT_TYPES.noteAdded, data: { update_id: u.id, internal: true, author_kind: u.authorKind } })];
  const moved = u.status !== 'unchanged' && u.status !== previousStatus;
  const out = [
    newEvent({
      ...base,
      type: EVENT_TYPES.updateAdded,
      data: { update_id: u.id, status: u.status, description: u.description, author_kind: u.authorKind, updated_datetime: at.toISOString(), media_urls: u.mediaUrls },
    }),
  ];
  if (moved && u.duplicateOf) {
    out.push(newEvent({ ...base, type: EVENT_TYPES.markedDuplicate, data: { update_id: u.id, duplicate_of: u.duplicateOf, updated_datetime: at.toISOString() } }));
  }
  if (moved) {
    out.push(
      newEvent({
        ...base,
        type: EVENT_TYPES.statusChanged,
        data: { update_id: u.id, status: u.status, previous_status: previousStatus, updated_datetime: at.toISOString(), expected_datetime: iso(u.expectedAt) },
      }),
    );
  }
  return out;
}

export function deadLetterEvents(job: { id: string; requestId: string; jurisdictionId: string; serviceCode: string; backend: string; role: DeliveryRole; kind: string }, error: string | undefined, at: Date): NewEvent[] {
  return [
    newEvent({
      type: EVENT_TYPES.deliveryDeadLettered,
      jurisdictionId: job.jurisdictionId,
      serviceCode: job.serviceCode,
      requestId: job.requestId,
      time: at,
      data: { delivery_id: job.id, backend: job.backend, role: job.role, kind: job.kind, error: error ?? null },
    }),
  ];
}

export function routeChangedEvents(change: RouteChange): NewEvent[] {
  const route = (r: RouteChange['before']) => r && { primary: r.primary, shadow: r.shadow ?? null, canary: r.canary ?? null, canary_percent: r.canaryPercent };
  return [
    newEvent({
      type: EVENT_TYPES.routeChanged,
      jurisdictionId: change.jurisdictionId,
      serviceCode: change.serviceCode,
      time: change.at,
      data: { change_id: change.id, service_code: change.serviceCode, action: change.action, before: route(change.before) ?? null, after: route(change.after) ?? null },
    }),
  ];
}

/**
 * A case given to someone else (or to nobody). Staff are named by their user
 * id only: the event never carries a name or an email.
 */
export function assignedEvents(a: { jurisdictionId: string; serviceCode: string; requestId: string; before?: string; after?: string; at: Date }): NewEvent[] {
  if (a.before === a.after) return [];
  return [
    newEvent({
      type: EVENT_TYPES.assigned,
      jurisdictionId: a.jurisdictionId,
      serviceCode: a.serviceCode,
      requestId: a.requestId,
      time: a.at,
      data: { assigned_to: a.after ?? null, previously_assigned_to: a.before ?? null, assigned_datetime: a.at.toISOString() },
    }),
  ];
}
