import { randomBytes, randomUUID } from 'node:crypto';
import type { Contact, NewRequestUpdate } from '../requests/request.ts';
import type { Channel, NewNotification, NoticeKind, ResidentNotice } from './notification.ts';

// Who is told what, and when. Pure: the store calls these inside the change's
// own transaction, with what it read there, so a message and its cause commit
// together (docs/notifications.md).

/** A UK mobile number (07… or +44 7…), the only kind a text can go to. */
export const isMobile = (phone?: string) => !!phone && /^(?:\+44|0044|0)7\d{9}$/.test(phone.replace(/[\s().-]/g, ''));

/**
 * Front doors whose clients tell their own users: FixMyStreet emails its
 * users about their reports itself, so a message from Pipework too would be a
 * confusing second copy (docs/notifications.md).
 */
const CLIENT_TELLS_RESIDENT = new Set(['open311']);

/** How the resident of a new request may be told; undefined when they gave no way, or their client tells them. */
export function noticeForContact(contact: Contact, source = 'web'): Omit<ResidentNotice, 'requestId'> | undefined {
  if (CLIENT_TELLS_RESIDENT.has(source)) return undefined;
  const email = !!contact.email && contact.emailUpdates !== false;
  const sms = !!contact.textUpdates && isMobile(contact.phone);
  if (!email && !sms) return undefined;
  return { language: contact.language === 'cy' ? 'cy' : 'en', email, sms, stopToken: randomBytes(24).toString('base64url') };
}

const jobs = (notice: Pick<ResidentNotice, 'email' | 'sms'>, kind: NoticeKind): NewNotification[] => {
  const channels: Channel[] = [...(notice.email ? (['email'] as const) : []), ...(notice.sms ? (['sms'] as const) : [])];
  return channels.map((channel) => ({ kind, channel, idempotencyKey: randomUUID() }));
};

/** On submission: a confirmation with the reference, what happens next and the target. */
export function confirmationNotifications(notice: Pick<ResidentNotice, 'email' | 'sms'> | undefined): NewNotification[] {
  return notice ? jobs(notice, 'confirmation') : [];
}

export interface UpdateNoticeContext {
  update: NewRequestUpdate;
  previousStatus: string;
  /** The request follows a service pattern: then only transitions it marks `notify: true` tell the resident. */
  hasPattern: boolean;
  notice?: ResidentNotice;
}

/**
 * A status change tells the resident when its transition is marked `notify`
 * (without a pattern, every change of status does); a public reply from the
 * council (staff or its back-end, text without a change of status) always does. Never an internal note, a
 * flagged change, the resident's own comment, or after they asked to stop.
 */
export function updateNotifications({ update: u, previousStatus, hasPattern, notice }: UpdateNoticeContext): NewNotification[] {
  if (!notice || notice.stoppedAt || u.internal || u.flag) return [];
  const moved = u.status !== 'unchanged' && u.status !== previousStatus;
  // Closed as a duplicate: always told, with the report to follow instead.
  if (moved && u.duplicateOf) return jobs(notice, 'merged');
  // The pattern decides for a change of status, whatever text comes with it.
  if (moved) return (hasPattern ? u.notifyResident : true) ? jobs(notice, 'status') : [];
  const fromCouncil = u.authorKind === 'staff' || u.authorKind === 'backend';
  if (fromCouncil && u.description.trim()) return jobs(notice, 'reply');
  return [];
}
