import type { RequestUpdate } from '../core/requests/request.ts';
import type { Delivery, DeliveryAttempt } from '../core/delivery/outbox.ts';
import type { AuditEntry } from '../core/staff/staff.ts';
import type { Notification } from '../core/notifications/notification.ts';

export interface TimelineItem {
  at: Date;
  kind: 'update' | 'reply' | 'note' | 'flagged' | 'delivery' | 'assignment' | 'message';
  label: string;
  byline?: string;
  text?: string;
  /** For deliveries: each attempt, newest last. */
  attempts?: { at: Date; outcome: string; error?: string }[];
}

const author = (u: RequestUpdate) => [u.contact.firstName, u.contact.lastName].filter(Boolean).join(' ') || u.authorKind;

/**
 * One timeline of everything that happened to a request, newest first: public
 * updates and replies, internal notes, refused changes, each delivery to a
 * back-end with its attempts, and assignment changes (from the audit log).
 */
export function timeline(input: {
  updates: RequestUpdate[];
  deliveries: (Delivery & { attemptList: DeliveryAttempt[] })[];
  assignments: AuditEntry[];
  /** Messages to the resident: those refused for good are shown, so staff know the resident was not told. */
  messages?: Notification[];
  label: (status: string) => string;
}): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (const u of input.updates) {
    const by = `${author(u)} (${u.authorKind})`;
    if (u.internal) items.push({ at: u.updatedAt, kind: 'note', label: 'Internal note', byline: by, text: u.description });
    else if (u.flag) items.push({ at: u.updatedAt, kind: 'flagged', label: `Not applied: ${input.label(u.status)}`, byline: by, text: [u.flag, u.description].filter(Boolean).join(' — ') });
    else if (u.status === 'unchanged') items.push({ at: u.updatedAt, kind: 'reply', label: u.authorKind === 'resident' ? 'Comment from the resident' : 'Public reply', byline: by, text: u.description });
    else items.push({ at: u.updatedAt, kind: 'update', label: `Status: ${input.label(u.status)}`, byline: by, text: u.description || undefined });
  }
  for (const d of input.deliveries) {
    const what = d.kind === 'request' ? 'Request' : d.kind === 'erasure' ? 'Erasure' : `Update ${d.updateId ?? ''}`.trim();
    items.push({
      at: d.createdAt,
      kind: 'delivery',
      label: `${what} sent to ${d.backend} (${d.role}): ${d.state.replace('_', ' ')}`,
      text: [d.externalRef ? `Reference there: ${d.externalRef}` : undefined, `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`, d.note, d.lastError ? `last error: ${d.lastError}` : undefined].filter(Boolean).join('; '),
      attempts: d.attemptList.map((a) => ({ at: a.finishedAt, outcome: a.outcome, error: a.error })),
    });
  }
  for (const m of input.messages ?? []) {
    if (m.state !== 'failed') continue;
    items.push({ at: m.createdAt, kind: 'message', label: `Resident could not be ${m.channel === 'email' ? 'emailed' : 'sent a text'} (${m.kind})`, text: m.lastError });
  }
  for (const a of input.assignments) {
    items.push({ at: a.at, kind: 'assignment', label: a.after ? `Assigned to ${a.after}` : 'Unassigned', byline: a.actor, text: [a.before ? `Was ${a.before}` : 'Was unassigned', a.reason].filter(Boolean).join('. ') });
  }
  return items.sort((x, y) => y.at.getTime() - x.at.getTime());
}
