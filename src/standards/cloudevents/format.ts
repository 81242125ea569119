import type { StoredEvent } from '../../core/events/event.ts';

/** A CloudEvents 1.0 event in the JSON event format (structured mode). */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  /** Extension attribute: the event's place in Pipework's log (strictly increasing in commit order). */
  seq: number;
  /** Extension attribute: the council (jurisdiction) the event belongs to. */
  council: string;
  data: Record<string, unknown>;
}

/**
 * Renders a stored event as CloudEvents 1.0 JSON. `source` names the council's
 * part of this Pipework (`{base}/councils/{id}`), `subject` the request or route.
 *
 * @example toCloudEvent(event, 'https://reports.example.gov.uk')
 */
export function toCloudEvent(e: StoredEvent, base: string): CloudEvent {
  const subject = e.requestId ? `requests/${e.requestId}` : e.serviceCode ? `routes/${e.serviceCode}` : undefined;
  return {
    specversion: '1.0',
    id: e.eventId,
    source: `${base}/councils/${encodeURIComponent(e.jurisdictionId)}`,
    type: e.type,
    ...(subject ? { subject } : {}),
    time: e.time.toISOString(),
    datacontenttype: 'application/json',
    seq: e.seq,
    council: e.jurisdictionId,
    data: { ...(e.requestId ? { service_request_id: e.requestId } : {}), ...e.data },
  };
}
