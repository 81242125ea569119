import type { Service } from '../core/services/service.ts';
import type { Translate } from './i18n.ts';
import { displayAnswer } from './fields.ts';
import { questionsOf, reportPath, type Draft } from './draft.ts';

interface Row {
  key: { text: string };
  value: { text?: string; html?: string };
  actions: { items: { href: string; text: string; visuallyHiddenText: string }[] };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const lines = (parts: (string | undefined)[]) => parts.filter((p): p is string => !!p).map(escape).join('<br>');

/** "Check your answers": one summary list for the report, one for contact details, each row with a change link. */
export function checkRows(service: Service, draft: Draft, t: Translate): { heading: string; rows: Row[] }[] {
  const row = (key: string, value: { text?: string; html?: string }, step: string): Row => ({
    key: { text: key },
    value,
    actions: { items: [{ href: `${reportPath(service, step)}?change=1`, text: t('check.change'), visuallyHiddenText: key.toLowerCase() }] },
  });
  const notGiven = t('check.notAnswered');
  const report = [
    ...questionsOf(service).map((a) => row(a.description, { text: displayAnswer(a, draft.attributes[a.code], t) }, `question/${a.code}`)),
    row(t('details.label'), { text: draft.description || notGiven }, 'details'),
    row(t('check.photos'), { html: draft.photos.length ? lines(draft.photos.map((p) => p.name)) : escape(notGiven) }, 'photo'),
    row(
      t('location.label'),
      {
        html:
          lines([
            draft.address,
            draft.postcode,
            draft.lat && draft.long ? t('location.deviceSummary', { lat: Number(draft.lat).toFixed(5), long: Number(draft.long).toFixed(5) }) : undefined,
          ]) || escape(notGiven),
      },
      'location',
    ),
  ];
  const name = [draft.firstName, draft.lastName].filter(Boolean).join(' ');
  const contact = [
    row(t('contact.name'), { text: name || notGiven }, 'contact'),
    row(t('contact.email'), { text: draft.email || notGiven }, 'contact'),
    row(t('contact.phone'), { text: draft.phone || notGiven }, 'contact'),
    row(t('contact.updates'), { text: [draft.email && draft.emailUpdates !== false && t('contact.byEmail'), draft.textUpdates && t('contact.bySms')].filter(Boolean).join(', ') || t('contact.noUpdates') }, 'contact'),
  ];
  // Joining an existing report: its reference stands for the report; their own answers are not sent.
  if (draft.joining) {
    const joined = { key: { text: t('join.reference') }, value: { text: draft.joining.reference }, actions: { items: [{ href: `/reports/${draft.joining.reference}`, text: t('check.change'), visuallyHiddenText: t('join.reference').toLowerCase() }] } };
    return [
      { heading: t('join.heading'), rows: [joined] },
      { heading: t('check.contactHeading'), rows: contact },
    ];
  }
  return [
    { heading: t('check.reportHeading'), rows: report },
    { heading: t('check.contactHeading'), rows: contact },
  ];
}
