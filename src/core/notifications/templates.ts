import type { FieldProblem } from '../errors.ts';
import type { Channel, Language, NoticeKind } from './notification.ts';

/**
 * A council's own words for one kind of message, on one channel, in one
 * language: for every service (`serviceCode` '') or for one. Placeholders are
 * written as GOV.UK Notify writes them, `((reference))`, so the same text
 * serves a Notify template. Without one, Pipework's own words are used, with
 * the status labels and descriptions of the service's pattern.
 */
export interface MessageTemplate {
  jurisdictionId: string;
  serviceCode: string;
  kind: NoticeKind;
  channel: Channel;
  language: Language;
  /** Emails only. */
  subject?: string;
  body: string;
  updatedAt: Date;
  by: string;
}

export type TemplateKey = Pick<MessageTemplate, 'jurisdictionId' | 'serviceCode' | 'kind' | 'channel' | 'language'>;

/**
 * The template part of the storage port.
 *
 * @example await store.messageTemplates.put({ jurisdictionId: 'example', serviceCode: '', kind: 'status', channel: 'email', language: 'cy', subject: '…', body: '…', updatedAt: new Date(), by: 'cli:ops' });
 */
export interface MessageTemplateStore {
  list(jurisdictionId: string): Promise<MessageTemplate[]>;
  put(t: MessageTemplate): Promise<void>;
  /** False when there was none. */
  remove(key: TemplateKey): Promise<boolean>;
}

/** What a template may name; the same fields are Notify's personalisation. */
export const TEMPLATE_FIELDS = ['reference', 'service', 'council', 'status', 'status_description', 'expected_date', 'reply', 'track_url', 'stop_url'] as const;
export const NOTICE_KINDS: readonly NoticeKind[] = ['confirmation', 'status', 'reply'];
export const CHANNELS: readonly Channel[] = ['email', 'sms'];
export const LANGUAGES: readonly Language[] = ['en', 'cy'];
/** A text longer than this is split by the networks into more than six parts (GOV.UK Notify's limit is 918 characters). */
const SMS_MAX = 918;

const placeholders = (s: string) => [...s.matchAll(/\(\(([^()]*)\)\)/g)].map((m) => m[1].trim());

/** Checks a template as a council writes it; each problem named by its field. */
export function templateProblems(t: { kind: string; channel: string; language: string; subject?: string; body: string }): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!NOTICE_KINDS.includes(t.kind as NoticeKind)) problems.push({ field: 'kind', message: `kind is one of ${NOTICE_KINDS.join(', ')}` });
  if (!CHANNELS.includes(t.channel as Channel)) problems.push({ field: 'channel', message: `channel is email or sms` });
  if (!LANGUAGES.includes(t.language as Language)) problems.push({ field: 'language', message: `language is en (English) or cy (Welsh)` });
  if (!t.body.trim()) problems.push({ field: 'body', message: 'body is the text of the message: it cannot be empty' });
  if (t.channel === 'email' && !t.subject?.trim()) problems.push({ field: 'subject', message: 'an email needs a subject' });
  if (t.channel === 'sms' && t.subject?.trim()) problems.push({ field: 'subject', message: 'a text message has no subject' });
  if (t.channel === 'sms' && t.body.length > SMS_MAX) problems.push({ field: 'body', message: `a text message is at most ${SMS_MAX} characters` });
  for (const [field, text] of [['subject', t.subject ?? ''], ['body', t.body]] as const) {
    for (const name of placeholders(text)) {
      if (!(TEMPLATE_FIELDS as readonly string[]).includes(name)) problems.push({ field, message: `((${name})) is not a field; use ${TEMPLATE_FIELDS.map((f) => `((${f}))`).join(', ')}` });
    }
  }
  return problems;
}

/** The council's template for this message: the service's own, else the council's for every service. */
export function pickTemplate(templates: MessageTemplate[], want: { serviceCode: string; kind: NoticeKind; channel: Channel; language: Language }): MessageTemplate | undefined {
  const match = (code: string) => templates.find((t) => t.serviceCode === code && t.kind === want.kind && t.channel === want.channel && t.language === want.language);
  return match(want.serviceCode) ?? match('');
}

/** Fills `((field))` placeholders; an unknown one stays as written. */
export const fillTemplate = (text: string, fields: Record<string, string>) => text.replace(/\(\(([^()]*)\)\)/g, (m, k: string) => fields[k.trim()] ?? m);
