import type { Service, ServiceAttribute } from '../core/services/service.ts';
import type { WebSession } from './session.ts';
import { askable } from './fields.ts';

/** A report being filled in, kept in the session between pages. */
export interface Draft {
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
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
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

const emptyDraft = (): Draft => ({ attributes: {}, dates: {}, photos: [] });

export function readDraft(session: WebSession, serviceCode: string): Draft {
  const drafts = session.get<Record<string, Draft>>('drafts') ?? {};
  return { ...emptyDraft(), ...drafts[serviceCode] };
}

export function writeDraft(session: WebSession, serviceCode: string, draft: Draft | undefined): void {
  const drafts = { ...(session.get<Record<string, Draft>>('drafts') ?? {}) };
  if (draft) drafts[serviceCode] = draft;
  else delete drafts[serviceCode];
  session.set('drafts', drafts);
}
