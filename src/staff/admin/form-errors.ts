import { PipeworkError } from '../../core/errors.ts';
import type { PageError } from '../render.ts';

/**
 * A refusal the core decided, as the GOV.UK error summary shows it: each
 * field problem links to its field (`#id` of the input). Anything else is
 * thrown on, for the console's error page.
 */
export function pageErrors(err: unknown, ids: Record<string, string> = {}): PageError[] {
  if (!(err instanceof PipeworkError) || (err.code !== 'INVALID_INPUT' && err.code !== 'EDIT_CONFLICT')) throw err;
  if (!err.problems.length) return [{ field: 'form', href: '#main-content', text: err.message }];
  return err.problems.map((p) => ({ field: p.field, href: `#${ids[p.field] ?? p.field}`, text: p.message }));
}

/** A form's text fields as strings (a repeated field takes its last value). */
export function formText(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((body as Record<string, unknown>) ?? {})) {
    if (k === '_csrf') continue;
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') out[k] = last;
  }
  return out;
}
