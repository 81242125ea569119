import type { Status, UpdateStatus } from '../statuses.ts';
import type { PatternRef } from '../services/service.ts';
import type { NewDelivery } from '../delivery/outbox.ts';

export type AttributeAnswers = Record<string, string | string[]>;

/** Where the problem is. Any of these may be given; Open311 asks for lat/long, address or address id. */
export interface Location {
  lat?: number;
  long?: number;
  address?: string;
  addressId?: string;
  zipcode?: string;
  uprn?: string;
  easting?: number;
  northing?: number;
}

/** Personal data: stored apart from the public fields and never published. */
export interface Contact {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  /** The language the resident used (the web journey's), for what Pipework sends them; English when absent. */
  language?: 'en' | 'cy';
  /** The resident asked for text messages about this report (sent only to a mobile number). */
  textUpdates?: boolean;
  /** False: the resident gave an email address but asked for no updates by email (absent: they are emailed). */
  emailUpdates?: boolean;
}

export interface ServiceRequest {
  id: string;
  jurisdictionId: string;
  serviceCode: string;
  token?: string;
  status: Status;
  statusNotes?: string;
  description?: string;
  attributes: AttributeAnswers;
  location: Location;
  accountId?: string;
  deviceId?: string;
  mediaUrls: string[];
  agencyResponsible?: string;
  serviceNotice?: string;
  /** Which front door the request came through (open311, web, staff, …). */
  source: string;
  requestedAt: Date;
  updatedAt: Date;
  expectedAt?: Date;
  /** The pattern version the request was created under; its process applies for the request's whole life. */
  pattern?: PatternRef;
}

export interface NewServiceRequest {
  jurisdictionId: string;
  serviceCode: string;
  description?: string;
  attributes: AttributeAnswers;
  location: Location;
  contact: Contact;
  accountId?: string;
  deviceId?: string;
  mediaUrls: string[];
  source: string;
  /** The client's Idempotency-Key: a second create with the same key (from the same client) returns the first request. */
  idempotencyKey?: string;
  /** Who sent `idempotencyKey` (the key is unique per jurisdiction and client); '' when the front end names no client. */
  idempotencyClientId?: string;
  /** A hash of what was submitted under `idempotencyKey`, so a re-send with a different body can be told apart. */
  submissionHash?: string;
  /** When the request was accepted, by the core's clock; the store's own time when absent. */
  requestedAt?: Date;
  /** Set for batch services: the client resolves it to an id later. */
  token?: string;
  agencyResponsible?: string;
  serviceNotice?: string;
  expectedAt?: Date;
  pattern?: PatternRef;
  /** Delivery jobs (the outbox) committed in the same transaction as the request; decided by routing in submitRequest. */
  deliveries?: NewDelivery[];
}

export const AUTHOR_KINDS = ['resident', 'staff', 'backend', 'system'] as const;
export type AuthorKind = (typeof AUTHOR_KINDS)[number];

export interface RequestUpdate {
  /** Stable, never reused: FixMyStreet drops updates whose id it has seen. */
  id: string;
  requestId: string;
  jurisdictionId: string;
  status: UpdateStatus;
  description: string;
  mediaUrls: string[];
  externalStatusCode?: string;
  /** The id the sender gave this update (e.g. FixMyStreet's comment id), kept to make re-sends idempotent. */
  externalId?: string;
  authorKind: AuthorKind;
  contact: Contact;
  updatedAt: Date;
  /** Set when the status change broke the service pattern's transitions: kept in history for staff, not applied. */
  flag?: string;
  /** The pattern says this change tells the resident. */
  notifyResident?: boolean;
  /** A staff note: never shown to residents or Open311 clients, never sent on. */
  internal?: boolean;
}

export interface NewRequestUpdate {
  requestId: string;
  jurisdictionId: string;
  status: UpdateStatus;
  description: string;
  mediaUrls: string[];
  externalStatusCode?: string;
  externalId?: string;
  authorKind: AuthorKind;
  contact: Contact;
  /** The sender's time for this update, kept on the update row as their claim. */
  updatedAt?: Date;
  /**
   * The status the sender saw when it chose this change (a staff form). When
   * the request has moved since, the change is decided as one that lost a
   * race: a second tab's "Fixed" on a request another officer has just fixed
   * is refused, not applied twice.
   */
  seenStatus?: Status;
  /** Set by recordUpdate: the request's own new updated_datetime (the claim, kept between the request's creation and now). */
  requestUpdatedAt?: Date;
  /** Set by recordUpdate from the service pattern: a flagged update is stored but does not move the request. */
  flag?: string;
  notifyResident?: boolean;
  /** A staff-only note (the staff console): never shown to the resident, never in Open311 or a notification, its text never in an event, and out of the request's own row. */
  internal?: boolean;
  /** Set by recordUpdate from the pattern's targets: the request's new expected_datetime. */
  expectedAt?: Date;
  /** Staff marked the request a duplicate of this one (same council): the store links the two, with the update. */
  duplicateOf?: string;
  /** Delivery jobs committed in the same transaction as the update (a resident's comment sent on to the back-end). */
  deliveries?: NewDelivery[];
}

/**
 * What the store did with an update the core decided (see `Store.requests.writeUpdate`):
 * `written`; `duplicate` (the sender's update id was stored before: that first
 * update, nothing written); `conflict` (the request was no longer at the status
 * the core decided on: nothing written, the core decides again).
 */
export type UpdateWrite =
  | { outcome: 'written'; update: RequestUpdate }
  | { outcome: 'duplicate'; update: RequestUpdate }
  | { outcome: 'conflict' };
