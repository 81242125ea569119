import type { Contact } from './request.ts';
import type { NewNotification, ResidentNotice } from '../notifications/notification.ts';
import { confirmationNotifications, noticeForContact } from '../notifications/decide.ts';
import { randomBytes } from 'node:crypto';

// "I'm reporting this too": a resident joins an open report instead of sending
// a duplicate (decision 0160). They are counted with its reporter and told of its
// updates as its reporter is, through their own notice and stop link.

/** A resident who joined a report, as staff with `contact.view` see them. */
export interface Joiner {
  id: string;
  requestId: string;
  contact: Contact;
  joinedAt: Date;
}

export interface JoinWrite {
  requestId: string;
  jurisdictionId: string;
  contact: Contact;
  /** How the joiner may be told; channels off when they asked for none. */
  notice: Omit<ResidentNotice, 'requestId'>;
  /** Their confirmation messages. */
  jobs: NewNotification[];
  /** The web's draft key: a repeated join with it writes nothing more. */
  key: string;
  at: Date;
}

/** The joiners' part of the storage port. */
export interface JoinerStore {
  /** Adds the joiner in one transaction with their messages; `undefined` when the request is not (or no longer) open to join. */
  join(j: JoinWrite, closedStatuses: string[]): Promise<{ requestId: string; joined: boolean } | undefined>;
  /** A request's joiners, oldest first (contact details: callers check `contact.view`). */
  of(requestId: string): Promise<Joiner[]>;
  /** How many residents joined each request (absent: none). */
  counts(requestIds: string[]): Promise<Map<string, number>>;
  /** Subject access: the joins this person made (email lower-cased, phone as digits, as records compares them). */
  byPerson(jurisdictionId: string, q: { email?: string; phone?: string }): Promise<Joiner[]>;
  /** Erasure: these joiners' details are blanked and they are told nothing more; they stay counted. */
  erase(jurisdictionId: string, joinerIds: string[], at: Date): Promise<number>;
}

/** What joining writes: the joiner's notice (channels off when they chose none) and their confirmation. */
export function joinWrite(input: { requestId: string; jurisdictionId: string; contact: Contact; key: string; at: Date }): JoinWrite {
  const notice = noticeForContact(input.contact, 'web');
  // No channel chosen: still counted, never told; the token only keeps the column's rule.
  const chosen = notice ?? { language: input.contact.language === 'cy' ? ('cy' as const) : ('en' as const), email: false, sms: false, stopToken: randomBytes(24).toString('base64url') };
  return { ...input, notice: chosen, jobs: confirmationNotifications(notice) };
}

/** Joins a resident to an open report; undefined when it is closed or unknown. */
export async function joinRequest(store: { joiners: JoinerStore }, input: { requestId: string; jurisdictionId: string; contact: Contact; key: string; at?: Date }, closedStatuses: string[]) {
  return store.joiners.join(joinWrite({ ...input, at: input.at ?? new Date() }), closedStatuses);
}

/** Residents who reported this: the reporter and everyone who joined. */
export const residentsReporting = (joiners: number) => 1 + joiners;
