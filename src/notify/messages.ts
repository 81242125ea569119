import type { ClaimedNotification, Channel, Language, NoticeKind } from '../core/notifications/notification.ts';
import { loadCatalogues, translator } from '../web/i18n.ts';
import { dateFormatter } from '../web/render.ts';
import { fillTemplate, type MessageTemplate } from '../core/notifications/templates.ts';

/** One message ready for a transport: the words for SMTP, the fields for a GOV.UK Notify template. */
export interface OutgoingMessage {
  /** The job's key: SMTP Message-ID, GOV.UK Notify `reference`. */
  key: string;
  kind: NoticeKind;
  channel: Channel;
  language: Language;
  /** An email address or a mobile number. */
  to: string;
  subject: string;
  text: string;
  /** Personalisation for a Notify template (every value a string). */
  fields: Record<string, string>;
  stopUrl: string;
  /** 1 on the first try: a transport may check whether an earlier try got through before sending again. */
  attempt: number;
}

// Pipework's own words, the status names as residents see them on the tracking page, and dates,
// in both languages: one catalogue per language (src/web/locales), one builder below.
const catalogues = loadCatalogues();
const say = { en: translator(catalogues, 'en'), cy: translator(catalogues, 'cy') };
const dates = { en: dateFormatter('en'), cy: dateFormatter('cy') };

/**
 * The words of one job's message in the resident's language, with links to
 * follow the report and to stop updates about it.
 *
 * @example compose(job, { serviceName: 'Potholes', councilName: 'Example Borough Council', publicUrl: 'https://reports.example.gov.uk' })
 */
export interface ComposeContext {
  serviceName: string;
  councilName: string;
  publicUrl: string;
  /** The resident reference (what /track takes) of this request and, for a merged one, of the original. */
  reference?: string;
  originalReference?: string;
  /**
   * The label and description of the status in the message's language (English, or the pattern's
   * Welsh from its `cy` block, carried by the service): the defaults' words. Without a label, Pipework's own name of the status.
   */
  statusLabel?: string;
  statusDescription?: string;
  /** The council's own words for this message, if it has some (src/core/notifications/templates.ts). */
  template?: MessageTemplate;
}

/** The status the message is about: the update's, or the request's as it stands. */
export const statusOf = (job: ClaimedNotification) => (job.update && job.update.status !== 'unchanged' ? job.update.status : job.request.status);

export function compose(job: ClaimedNotification, ctx: ComposeContext): OutgoingMessage {
  const lang = job.notice.language;
  const w = (key: string, f: Record<string, string>) => say[lang](`message.${key}`, f);
  const status = statusOf(job);
  const stopUrl = `${ctx.publicUrl}/updates/stop/${job.notice.stopToken}`;
  const fields: Record<string, string> = {
    // The resident reference (what /track takes); the request id only where none is known.
    reference: ctx.reference ?? job.request.id,
    service: ctx.serviceName,
    council: ctx.councilName,
    status: ctx.statusLabel || say[lang](`status.${status}`),
    status_description: ctx.statusDescription ?? '',
    expected_date: dates[lang](job.request.expectedAt),
    reply: job.update?.description ?? '',
    original: ctx.originalReference ?? job.duplicateOf ?? '',
    // A duplicate's resident follows the original report from now on.
    track_url: `${ctx.publicUrl}/track?reference=${encodeURIComponent(job.kind === 'merged' && job.duplicateOf ? (ctx.originalReference ?? job.duplicateOf) : (ctx.reference ?? job.request.id))}`,
    stop_url: stopUrl,
  };
  const to = (job.channel === 'email' ? job.contact.email : job.contact.phone) ?? '';
  const base = { key: job.idempotencyKey, kind: job.kind, channel: job.channel, language: lang, to, fields, stopUrl, attempt: job.attempts };
  if (ctx.template) {
    // The council's words; the stop link is in every message whether or not the template names it.
    const body = fillTemplate(ctx.template.body, fields);
    const named = /\(\(\s*stop_url\s*\)\)/.test(ctx.template.body);
    const text = named ? body : [body, w(job.channel === 'sms' ? 'smsStop' : 'stop', fields)].join(job.channel === 'sms' ? '\n' : '\n\n');
    return { ...base, subject: ctx.template.subject ? fillTemplate(ctx.template.subject, fields) : w(`${job.kind}.subject`, fields), text };
  }
  const lead = w(`${job.kind}.lead`, fields);
  const parts = [job.kind === 'status' && fields.status_description ? `${lead} ${fields.status_description}` : lead];
  if (job.kind === 'confirmation') {
    parts.push(w('reference', fields), [w('next', fields), fields.expected_date ? w('expected', fields) : ''].filter(Boolean).join(' '));
  } else if (fields.reply) {
    // The council's reply, or the words that came with the change of status.
    parts.push(fields.reply);
  }
  const text =
    job.channel === 'sms'
      ? [w(`${job.kind}.subject`, fields), w('track', fields), w('smsStop', fields)].join('\n')
      : [...parts, w('track', fields), w('stop', fields)].join('\n\n');
  return { ...base, subject: w(`${job.kind}.subject`, fields), text };
}
