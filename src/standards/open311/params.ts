import type { AttributeAnswers } from '../../core/requests/request.ts';
import { PipeworkError, invalid } from '../../core/errors.ts';
import { isStatus, type Status } from '../../core/statuses.ts';

const DAY = 24 * 60 * 60 * 1000;
export const MAX_WINDOW_DAYS = 90;

/** One string from a field that may have arrived repeated; the last one wins, as in most form parsers. */
export function str(v: unknown): string | undefined {
  if (Array.isArray(v)) return str(v[v.length - 1]);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** A comma-separated and/or repeated list parameter (GeoReport v2 lists are comma delimited). */
export function list(v: unknown): string[] {
  const parts = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return parts.flatMap((p) => String(p).split(',')).map((s) => s.trim()).filter(Boolean);
}

/** Removes parameters that are empty strings (or lists of them), in place. */
export function dropEmpty(params: unknown) {
  if (!params || typeof params !== 'object') return;
  const p = params as Record<string, unknown>;
  for (const [k, v] of Object.entries(p)) {
    if (v === '' || (Array.isArray(v) && v.every((x) => x === ''))) delete p[k];
  }
}

/** An answer arrives as text (form, XML) or as a JSON scalar; anything deeper is not an answer. */
function answerText(code: string, v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalid([{ field: `attribute[${code}]`, message: `attribute[${code}] must be text or a list of text` }]);
}

/**
 * Collects `attribute[code]=v`, `attribute[code][]=v` and repeated
 * `attribute[code]=v` keys (FixMyStreet) into one map of answers. The map has
 * no prototype, so a code such as `constructor` is only a key; the core
 * decides whether that code is acceptable.
 */
export function attributesOf(body: Record<string, unknown>): AttributeAnswers {
  const out = new Map<string, string[]>();
  const add = (code: string, value: unknown) => {
    const values = Array.isArray(value) ? value : [value];
    const answers = out.get(code) ?? [];
    out.set(code, answers);
    for (const v of values) answers.push(answerText(code, v));
  };
  for (const [key, value] of Object.entries(body)) {
    const m = /^attribute\[([^\]]+)\](\[\])?$/.exec(key);
    if (m) add(m[1], value);
  }
  const nested = body.attribute;
  if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
    // Bodies parsed into objects (JSON or XML) carry answers as { attribute: { code: value } }.
    for (const [code, value] of Object.entries(nested)) add(code, value);
  }
  const answers: AttributeAnswers = Object.create(null);
  for (const [k, v] of out) answers[k] = v.length === 1 ? v[0] : v;
  return answers;
}

/** Validated status list, or a 400 naming the value that is not a status. */
export function statusesOf(v: unknown): Status[] | undefined {
  const values = list(v).map((s) => s.toLowerCase());
  const bad = values.filter((s) => !isStatus(s));
  if (bad.length) throw invalid([{ field: 'status', message: `status "${bad.join(', ')}" is not a status this server knows` }]);
  return values.length ? (values as Status[]) : undefined;
}

/**
 * The date window of GET requests and updates: default the last 90 days;
 * with one end given, 90 days from it; never more than 90 days (GeoReport v2).
 * An end_date without fractions includes the whole second it names.
 */
export function windowOf(start: string | undefined, end: string | undefined, now = new Date()): { from: Date; to: Date } {
  const s = start ? new Date(start) : undefined;
  const e = end ? new Date(end) : undefined;
  const to = e ?? (s ? new Date(s.getTime() + MAX_WINDOW_DAYS * DAY) : now);
  const from = s ?? new Date(to.getTime() - MAX_WINDOW_DAYS * DAY);
  if (from > to) throw invalid([{ field: 'start_date', message: 'start_date must be before end_date' }]);
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY) {
    throw new PipeworkError('INVALID_INPUT', `start_date and end_date may not span more than ${MAX_WINDOW_DAYS} days`);
  }
  // W3C datetimes on the wire are whole seconds: an end_date of 10:00:00Z includes 10:00:00.999.
  if (end && e && !/[.,]\d/.test(end)) return { from, to: new Date(to.getTime() + 999) };
  return { from, to };
}
