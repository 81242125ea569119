import type { ServiceAttribute } from '../core/services/service.ts';
import { MAX_DESCRIPTION } from '../core/requests/validate.ts';
import type { Translate } from './i18n.ts';

/** How a question is asked on the page: one of the GOV.UK components. */
export type Control = 'input' | 'textarea' | 'number' | 'date' | 'datetime' | 'time' | 'radios' | 'checkboxes' | 'select';

/** An attribute the resident is asked: one that takes input and that no client or server fills. */
export const askable = (a: ServiceAttribute) => a.variable && !a.automated;

/**
 * The control for an attribute: the service pattern's GOV.UK answer type when
 * there is one, else the Open311 datatype.
 */
export function controlFor(a: ServiceAttribute): Control {
  switch (a.answerType) {
    case 'long_text':
    case 'address':
      return 'textarea';
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'time':
      return 'time';
    case 'radios':
    case 'checkboxes':
    case 'select':
      if (a.values?.length) return a.answerType;
  }
  switch (a.datatype) {
    case 'text':
      return 'textarea';
    case 'number':
      return 'number';
    case 'datetime':
      return 'date';
    case 'singlevaluelist':
      return 'radios';
    case 'multivaluelist':
      return 'checkboxes';
    default:
      return 'input';
  }
}

/** The parts of a GOV.UK date input (and an optional time), as typed. */
export interface DateParts {
  day: string;
  month: string;
  year: string;
  time: string;
}

const pad = (s: string, n: number) => (/^\d+$/.test(s) ? s.padStart(n, '0') : s);

/**
 * Joins date parts into the ISO 8601 value the core checks. Non-numeric parts
 * are kept as typed, so the core refuses them as "not a real date" rather
 * than this layer deciding; empty parts give an empty answer.
 */
export function joinDate(p: DateParts): string {
  const [day, month, year, time] = [p.day, p.month, p.year, p.time].map((s) => s.trim());
  if (!day && !month && !year && !time) return '';
  const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  if (!time) return date;
  const t = /^(\d{1,2})[:.](\d{2})$/.exec(time);
  return `${date}T${t ? `${t[1].padStart(2, '0')}:${t[2]}` : time}`;
}

/** Splits a stored ISO value back into the parts shown on the page. */
export function splitDate(value: string | undefined): DateParts {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?/.exec(value ?? '');
  if (!m) return { day: '', month: '', year: '', time: '' };
  return { year: m[1], month: String(+m[2]), day: String(+m[3]), time: m[4] ?? '' };
}

/**
 * The message a resident sees when the core refused their answer. The core
 * decides whether an answer is acceptable; this only words the refusal, from
 * the kind of question and what was typed. A service pattern's own messages
 * come first.
 */
export function attributeMessage(a: ServiceAttribute, value: string | string[], t: Translate, parts?: DateParts): string {
  const control = controlFor(a);
  const empty = Array.isArray(value) ? value.every((v) => !v.trim()) : !value.trim();
  if (empty) {
    if (a.errorMessages?.required) return a.errorMessages.required;
    switch (control) {
      case 'radios':
      case 'select':
        return t('error.required.choose');
      case 'checkboxes':
        return t('error.required.checkboxes');
      case 'date':
      case 'datetime':
        return t('error.required.date');
      case 'number':
        return t('error.required.number');
      default:
        return t('error.required.text');
    }
  }
  if (a.errorMessages?.invalid) return a.errorMessages.invalid;
  const text = Array.isArray(value) ? value.join('') : value;
  if (text.length > MAX_DESCRIPTION) return t('error.tooLong', { max: MAX_DESCRIPTION });
  switch (a.datatype) {
    case 'number':
      return t('error.notNumber');
    case 'datetime': {
      if (parts) {
        const missing = (['day', 'month', 'year'] as const).filter((k) => !parts[k].trim());
        if (missing.length) return t('error.dateMissing', { parts: missing.map((k) => t(`date.${k}`).toLowerCase()).join(t('and')) });
        if (parts.time.trim() && !/^\d{1,2}[:.]\d{2}$/.test(parts.time.trim())) return t('error.notRealTime');
      }
      return t('error.notRealDate');
    }
    case 'singlevaluelist':
    case 'multivaluelist':
      return t('error.notAnOption');
    case 'string':
      return t('error.oneLine');
    default:
      return t('error.invalid');
  }
}

/** How an answer reads back on "Check your answers": option names, not keys; dates as words. */
export function displayAnswer(a: ServiceAttribute, value: string | string[] | undefined, t: Translate): string {
  if (value === undefined || (Array.isArray(value) ? !value.length : value === '')) return t('check.notAnswered');
  const names = new Map((a.values ?? []).map((v) => [v.key, v.name]));
  if (Array.isArray(value)) return value.map((v) => names.get(v) ?? v).join(', ');
  if (names.size) return names.get(value) ?? value;
  if (a.datatype === 'datetime') {
    const p = splitDate(value);
    if (p.year) return `${p.day} ${t(`month.${+p.month}`)} ${p.year}${p.time ? ` ${p.time}` : ''}`;
  }
  return value;
}
