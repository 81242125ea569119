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

// Status names as residents see them on the tracking page, in both languages.
const catalogues = loadCatalogues();
const statusName = { en: translator(catalogues, 'en'), cy: translator(catalogues, 'cy') };
const dates = { en: dateFormatter('en'), cy: dateFormatter('cy') };

type Words = Record<NoticeKind, { subject: string; lead: string }> & {
  reference: string; next: string; expected: string; track: string; stop: string; smsStop: string;
};

const WORDS: Record<Language, Words> = {
  en: {
    confirmation: { subject: 'Report {reference} received: {service}', lead: 'Thank you for your report about a {service} problem.' },
    status: { subject: 'Report {reference}: {status}', lead: 'Your report about a {service} problem is now: {status}.' },
    reply: { subject: 'Report {reference}: a reply from {council}', lead: '{council} has replied about your report:' },
    merged: { subject: 'Report {reference}: already reported as {original}', lead: 'Your report about a {service} problem is about the same problem as report {original}, which {council} is already dealing with. We have closed your report so the work is done once.' },
    reference: 'Your reference number is {reference}. Keep it: you can use it to see what is happening.',
    next: 'What happens next: {council} will look at your report.',
    expected: 'The council aims to deal with it by {expected_date}.',
    track: 'See what is happening with your report: {track_url}',
    stop: 'We email you when your report is updated. To stop emails about this report: {stop_url}',
    smsStop: 'Stop texts: {stop_url}',
  },
  cy: {
    confirmation: { subject: 'Adroddiad {reference} wedi dod i law: {service}', lead: 'Diolch am eich adroddiad am broblem {service}.' },
    status: { subject: 'Adroddiad {reference}: {status}', lead: 'Statws eich adroddiad am broblem {service} nawr yw: {status}.' },
    reply: { subject: 'Adroddiad {reference}: ateb gan {council}', lead: 'Mae {council} wedi ateb am eich adroddiad:' },
    merged: { subject: 'Adroddiad {reference}: wedi’i adrodd eisoes fel {original}', lead: 'Mae eich adroddiad am broblem {service} am yr un broblem ag adroddiad {original}, y mae {council} eisoes yn delio ag ef. Rydym wedi cau eich adroddiad fel bod y gwaith yn cael ei wneud unwaith.' },
    reference: 'Eich cyfeirnod yw {reference}. Cadwch ef: gallwch ei ddefnyddio i weld beth sy’n digwydd.',
    next: 'Beth sy’n digwydd nesaf: bydd {council} yn edrych ar eich adroddiad.',
    expected: 'Nod y cyngor yw delio ag ef erbyn {expected_date}.',
    track: 'Gweld beth sy’n digwydd gyda’ch adroddiad: {track_url}',
    stop: 'Rydym yn anfon e-bost atoch pan fydd eich adroddiad yn cael ei ddiweddaru. I atal negeseuon e-bost am yr adroddiad hwn: {stop_url}',
    smsStop: 'Atal negeseuon testun: {stop_url}',
  },
};

const fill = (s: string, f: Record<string, string>) => s.replace(/\{(\w+)\}/g, (m, k: string) => f[k] ?? m);

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
  /** The pattern's (or council's) English label and description of the status: the defaults' words. */
  statusLabel?: string;
  statusDescription?: string;
  /** The pattern's Welsh label of the status (its `cy.status_labels`), for Welsh messages. */
  welshStatusLabel?: string;
  /** The council's own words for this message, if it has some (src/core/notifications/templates.ts). */
  template?: MessageTemplate;
}

/** The status the message is about: the update's, or the request's as it stands. */
export const statusOf = (job: ClaimedNotification) => (job.update && job.update.status !== 'unchanged' ? job.update.status : job.request.status);

export function compose(job: ClaimedNotification, ctx: ComposeContext): OutgoingMessage {
  const lang = job.notice.language;
  const w = WORDS[lang];
  const status = statusOf(job);
  const stopUrl = `${ctx.publicUrl}/updates/stop/${job.notice.stopToken}`;
  const fields: Record<string, string> = {
    // The resident reference (what /track takes); the request id only where none is known.
    reference: ctx.reference ?? job.request.id,
    service: ctx.serviceName,
    council: ctx.councilName,
    // Patterns name their statuses in English; Welsh uses the service's own Welsh names.
    status: (lang === 'en' ? ctx.statusLabel : ctx.welshStatusLabel) || statusName[lang](`status.${status}`),
    status_description: lang === 'en' ? (ctx.statusDescription ?? '') : '',
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
    const text = named ? body : [body, fill(job.channel === 'sms' ? w.smsStop : w.stop, fields)].join(job.channel === 'sms' ? '\n' : '\n\n');
    return { ...base, subject: ctx.template.subject ? fillTemplate(ctx.template.subject, fields) : fill(w[job.kind].subject, fields), text };
  }
  const lead = fill(w[job.kind].lead, fields);
  const parts = [job.kind === 'status' && fields.status_description ? `${lead} ${fields.status_description}` : lead];
  if (job.kind === 'confirmation') {
    parts.push(fill(w.reference, fields), [fill(w.next, fields), fields.expected_date ? fill(w.expected, fields) : ''].filter(Boolean).join(' '));
  } else if (fields.reply) {
    // The council's reply, or the words that came with the change of status.
    parts.push(fields.reply);
  }
  const text =
    job.channel === 'sms'
      ? [fill(w[job.kind].subject, fields), fill(w.track, fields), fill(w.smsStop, fields)].join('\n')
      : [...parts, fill(w.track, fields), fill(w.stop, fields)].join('\n\n');
  return { ...base, subject: fill(w[job.kind].subject, fields), text };
}
