import type { ClaimedNotification, Channel, Language, NoticeKind } from '../core/notifications/notification.ts';
import { loadCatalogues, translator } from '../web/i18n.ts';
import { dateFormatter } from '../web/render.ts';

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
export function compose(job: ClaimedNotification, ctx: { serviceName: string; councilName: string; publicUrl: string; reference?: string }): OutgoingMessage {
  const lang = job.notice.language;
  const w = WORDS[lang];
  const status = job.update && job.update.status !== 'unchanged' ? job.update.status : job.request.status;
  const stopUrl = `${ctx.publicUrl}/updates/stop/${job.notice.stopToken}`;
  const fields: Record<string, string> = {
    // The resident reference (what /track takes); the request id only where none is known.
    reference: ctx.reference ?? job.request.id,
    service: ctx.serviceName,
    council: ctx.councilName,
    status: statusName[lang](`status.${status}`),
    expected_date: dates[lang](job.request.expectedAt),
    reply: job.update?.description ?? '',
    track_url: `${ctx.publicUrl}/track?reference=${encodeURIComponent(ctx.reference ?? job.request.id)}`,
    stop_url: stopUrl,
  };
  const parts = [fill(w[job.kind].lead, fields)];
  if (job.kind === 'confirmation') {
    parts.push(fill(w.reference, fields), [fill(w.next, fields), fields.expected_date ? fill(w.expected, fields) : ''].filter(Boolean).join(' '));
  } else if (fields.reply) {
    // The council's reply, or the words that came with the change of status.
    parts.push(fields.reply);
  }
  const to = job.channel === 'email' ? job.contact.email : job.contact.phone;
  const text =
    job.channel === 'sms'
      ? [fill(w[job.kind].subject, fields), fill(w.track, fields), fill(w.smsStop, fields)].join('\n')
      : [...parts, fill(w.track, fields), fill(w.stop, fields)].join('\n\n');
  return { key: job.idempotencyKey, kind: job.kind, channel: job.channel, language: lang, to: to ?? '', subject: fill(w[job.kind].subject, fields), text, fields, stopUrl, attempt: job.attempts };
}
