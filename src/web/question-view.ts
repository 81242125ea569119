import type { ServiceAttribute } from '../core/services/service.ts';
import type { Translate } from './i18n.ts';
import { controlFor, type Control, type DateParts } from './fields.ts';

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Text as HTML, marked lang="en" when it is English on a Welsh page. */
export const own = (text: string, english: boolean) => (english ? `<span lang="en">${escapeHtml(text)}</span>` : escapeHtml(text));

/** What question.njk needs to draw one question with the matching GOV.UK component. */
export interface QuestionView {
  control: Control;
  label: string;
  /** The label as HTML: any part still in English on a Welsh page marked lang="en". */
  labelHtml: string;
  hint?: { text?: string; html?: string };
  value: string;
  items: { value: string; text?: string; html?: string; checked?: boolean; selected?: boolean }[];
  date?: DateParts;
  dateItems?: { name: string; label: string; classes: string; value: string; autocomplete?: string }[];
  optional: boolean;
}

/**
 * The question for one attribute, with the person's answer (or their refused
 * input) filled back in. Wording comes from the service pattern when it has
 * some (`hint`), else from the Open311 description and datatype description.
 */
export function questionView(a: ServiceAttribute & { english?: Set<string> }, value: string | string[] | undefined, parts: DateParts | undefined, t: Translate, invalid: boolean): QuestionView {
  const control = controlFor(a);
  const english = a.english ?? new Set<string>();
  const chosen = new Set(Array.isArray(value) ? value : value ? [value] : []);
  const hintField = a.hint ? 'hint' : a.datatypeDescription ? 'datatypeDescription' : undefined;
  const hintText = a.hint ?? a.datatypeDescription ?? (control === 'checkboxes' ? t('question.checkboxesHint') : undefined);
  const optional = !a.required;
  const label = optional ? `${a.description} ${t('question.optional')}` : a.description;
  const labelHtml = `${own(a.description, english.has('description'))}${optional ? ` ${escapeHtml(t('question.optional'))}` : ''}`;
  // A <select> option cannot hold a <span lang>: its text stays plain.
  const items = (a.values ?? []).map((v) => ({
    value: v.key,
    ...(english.has(`value:${v.key}`) && control !== 'select' ? { html: own(v.name, true) } : { text: v.name }),
    checked: chosen.has(v.key),
    selected: chosen.has(v.key),
  }));
  const hint = hintText ? (hintField && english.has(hintField) ? { html: own(hintText, true) } : { text: hintText }) : undefined;
  const view: QuestionView = { control, label, labelHtml, hint, value: Array.isArray(value) ? '' : (value ?? ''), items, optional };
  if (control === 'select') view.items = [{ value: '', text: t('question.selectPlaceholder') }, ...items];
  if (control === 'date' || control === 'datetime') {
    const p = parts ?? { day: '', month: '', year: '', time: '' };
    const err = invalid ? ' govuk-input--error' : '';
    view.date = p;
    view.hint ??= { text: t('question.dateHint') };
    view.dateItems = [
      { name: 'day', label: t('date.day'), classes: `govuk-input--width-2${err}`, value: p.day },
      { name: 'month', label: t('date.month'), classes: `govuk-input--width-2${err}`, value: p.month },
      { name: 'year', label: t('date.year'), classes: `govuk-input--width-4${err}`, value: p.year },
    ];
  }
  return view;
}
