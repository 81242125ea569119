import { createHash, randomUUID } from 'node:crypto';
import type { Service, ServiceAttribute } from '../core/services/service.ts';
import type { WebSession } from './session.ts';
import { askable } from './fields.ts';

/** A report being filled in, kept in the session between pages. */
export interface Draft {
  /**
   * The Idempotency-Key of this report's final send, chosen when the draft is
   * first stored: a double click, or a send from a second tab, hands the core
   * the same key and the same answers, so it makes one request.
   */
  key?: string;
  attributes: Record<string, string | string[]>;
  /** Date answers as typed, so a refused date is shown back exactly. */
  dates: Record<string, { day: string; month: string; year: string; time: string }>;
  description?: string;
  /** Photos already checked and stored; `url` is the path they are served from. */
  photos: { url: string; name: string }[];
  address?: string;
  postcode?: string;
  lat?: string;
  long?: string;
  /** The address chosen from the lookup: its UPRN and OSGB36 grid reference. */
  uprn?: string;
  easting?: string;
  northing?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  /** How the resident wants updates (the contact page); email is on unless they unticked it. */
  emailUpdates?: boolean;
  textUpdates?: boolean;
  /** "I'm reporting this too": the open report the resident chose to join instead of sending their own (decision 0160). */
  joining?: { id: string; reference: string };
}

/** The pages of a report after its questions, in order. */
export const FIXED_STEPS = ['details', 'photo', 'location', 'contact', 'check'] as const;

export const questionsOf = (service: Service): ServiceAttribute[] =>
  service.attributes.filter(askable).sort((a, b) => a.order - b.order);

/** Every page of a service's report, as paths under /report/{service}/. */
export const stepsOf = (service: Service): string[] => [...questionsOf(service).map((a) => `question/${a.code}`), ...FIXED_STEPS];

export const reportPath = (service: Service, step: string) => `/report/${encodeURIComponent(service.code)}/${step}`;

/** The page after `step`; after any change from "Check your answers", back to it. */
export function nextPath(service: Service, step: string, change: boolean): string {
  const steps = stepsOf(service);
  if (change) return reportPath(service, 'check');
  return reportPath(service, steps[steps.indexOf(step) + 1] ?? 'check');
}

/** Where the back link goes: the page before, the check page while changing, or the service list. */
export function previousPath(service: Service, step: string, change: boolean): string {
  if (change) return reportPath(service, 'check');
  const steps = stepsOf(service);
  const i = steps.indexOf(step);
  return i > 0 ? reportPath(service, steps[i - 1]) : '/';
}

/** A report already sent from this session: what its confirmation page shows. */
export interface SentReport {
  id: string;
  emailed: boolean;
  notice: string;
  expectedAt?: string;
  /** The resident joined this existing report rather than sending a new one. */
  joined?: boolean;
}

/** One service's slot in the session: answers being filled in, or the report they became. */
type Slot = Draft | { key: string; sent: SentReport };
const isSent = (slot: Slot | undefined): slot is { key: string; sent: SentReport } => !!slot && 'sent' in slot;

const emptyDraft = (): Draft => ({ attributes: {}, dates: {}, photos: [] });
const slots = (session: WebSession) => session.get<Record<string, Slot>>('drafts') ?? {};

/** The answers so far; a fresh draft once the last one was sent (a new report of the same kind). */
export function readDraft(session: WebSession, serviceCode: string): Draft {
  const slot = slots(session)[serviceCode];
  return isSent(slot) ? emptyDraft() : { ...emptyDraft(), ...slot };
}

/** Stores the answers; the first write gives the draft its Idempotency-Key. */
export function writeDraft(session: WebSession, serviceCode: string, draft: Draft): void {
  session.set('drafts', { ...slots(session), [serviceCode]: { ...draft, key: draft.key ?? randomUUID() } });
}

/** The report this session last sent for a service, while no new one has been started. */
export function sentReport(session: WebSession, serviceCode: string): SentReport | undefined {
  const slot = slots(session)[serviceCode];
  return isSent(slot) ? slot.sent : undefined;
}

/** Replaces the answers with the report they became, so a second send shows the same confirmation. */
export function markSent(session: WebSession, serviceCode: string, key: string, sent: SentReport): void {
  session.set('drafts', { ...slots(session), [serviceCode]: { key, sent } });
}

/**
 * The key for the final send. A draft stored before keys existed has none:
 * one is derived from the session and the answers, so two sends of it still agree.
 */
export function sendKey(sessionId: string | undefined, serviceCode: string, draft: Draft): string {
  return draft.key ?? `web-${createHash('sha256').update(JSON.stringify([sessionId, serviceCode, draft])).digest('base64url')}`;
}
