import { randomUUID } from 'node:crypto';

/**
 * The kinds of change other systems can follow. CloudEvents `type` values
 * (reverse-DNS, docs/events.md); a subscriber filters on these.
 */
export const EVENT_TYPES = {
  requestCreated: 'uk.pipework.request.created',
  statusChanged: 'uk.pipework.request.status_changed',
  updateAdded: 'uk.pipework.request.update_added',
  noteAdded: 'uk.pipework.request.note_added',
  assigned: 'uk.pipework.request.assigned',
  markedDuplicate: 'uk.pipework.request.marked_duplicate',
  deliveryDeadLettered: 'uk.pipework.delivery.dead_lettered',
  routeChanged: 'uk.pipework.route.changed',
  /** A person's data was erased: subscribers erase what they hold of these requests (docs/records.md). */
  recordsErased: 'uk.pipework.records.erased',
} as const;

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];
export const isEventType = (s: string): s is EventType => (Object.values(EVENT_TYPES) as string[]).includes(s);

/**
 * One change, as decided by the core and written by the store in the same
 * transaction as the change itself. It never carries contact details.
 */
export interface NewEvent {
  /** The CloudEvents `id`: unique, so a subscriber can drop a repeat. */
  eventId: string;
  type: EventType;
  jurisdictionId: string;
  serviceCode?: string;
  /** The request it is about; for a new request the store fills it in once the id exists. */
  requestId?: string;
  time: Date;
  data: Record<string, unknown>;
}

/** An event as read back: with its place in the log. */
export interface StoredEvent extends NewEvent {
  /** Strictly increasing in commit order; a reader resumes with `after = seq`. */
  seq: number;
}

export interface EventQuery {
  after: number;
  limit: number;
  types?: string[];
  jurisdictionIds?: string[];
}

/**
 * The event part of the storage port.
 *
 * @example
 *   const page = await store.events.read({ after: 0, limit: 100 });
 *   const next = page.at(-1)?.seq ?? 0;
 */
export interface EventStore {
  /** Events with `seq > after`, in order; only events whose place in the log is final. */
  read(query: EventQuery): Promise<StoredEvent[]>;
  /** Gives committed events their sequence numbers, in commit order; returns how many it numbered. */
  sequence(): Promise<number>;
  /** The highest sequence number, after numbering what has committed (0 when none). */
  lastSeq(): Promise<number>;
}

export const newEvent = (e: Omit<NewEvent, 'eventId' | 'time'> & { time?: Date }): NewEvent => ({ eventId: randomUUID(), time: e.time ?? new Date(), ...e });
