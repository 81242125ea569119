import type { ServiceAttribute } from '../core/services/service.ts';
import type { Translate } from './i18n.ts';
import { controlFor, type Control, type DateParts } from './fields.ts';

/** What question.njk needs to draw one question with the matching GOV.UK component. */
export interface QuestionView {
  control: Control;
  label: string;
  hint?: { text: string };
  value: string;
  items: { value: string; text: string; checked?: boolean; selected?: boolean }[];
  date?: DateParts;
  dateItems?: { name: string; label: string; classes: string; value: string; autocomplete?: string }[];
  optional: boolean;
}

/**
 * The question for one attribute, with the person's answer (or their refused
 * input) filled back in. Wording comes from the service pattern when it has
 * some (`hint`), else from the Open311 description and datatype description.
 */
export function questionView(a: ServiceAttribute, value: string | string[] | undefined, parts: DateParts | undefined, t: Translate, invalid: boolean): QuestionView {
  const control = controlFor(a);
  const chosen = new Set(Array.isArray(value) ? value : value ? [value] : []);
  const hintText = a.hint ?? a.datatypeDescription ?? (control === 'checkboxes' ? t('question.checkboxesHint') : undefined);
  const optional = !a.required;
  const label = optional ? `${a.description} ${t('question.optional')}` : a.description;
  const items = (a.values ?? []).map((v) => ({ value: v.key, text: v.name, checked: chosen.has(v.key), selected: chosen.has(v.key) }));
  const view: QuestionView = { control, label, hint: hintText ? { text: hintText } : undefined, value: Array.isArray(value) ? '' : (value ?? ''), items, optional };
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
