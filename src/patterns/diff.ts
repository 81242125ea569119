import { isDeepStrictEqual } from 'node:util';
import type { ServicePattern } from './schema.ts';

/** One difference between two versions of a pattern, at a path a person can find. */
export interface PatternChange {
  kind: 'added' | 'removed' | 'changed';
  path: string;
  before?: unknown;
  after?: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/**
 * Lists keyed things by their key rather than their position, so moving a
 * question is not reported as changing every question after it: questions by
 * code, values by key, statuses by status, transitions as "from → to" pairs.
 */
function keyed(path: string, v: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(v)) return undefined;
  const by = (k: string) => Object.fromEntries(v.filter(isObj).map((x) => [String(x[k]), x]));
  if (path === 'questions') return by('code');
  if (/^questions\[[^\]]+\]\.values$/.test(path)) return by('key');
  if (path === 'process.statuses') return by('status');
  if (path === 'process.transitions') {
    const pairs: Record<string, unknown> = {};
    for (const t of v.filter(isObj)) {
      for (const f of arr(t.from as string)) for (const to of arr(t.to as string)) pairs[`${f} → ${to}`] = { notify: !!t.notify };
    }
    return pairs;
  }
  return undefined;
}

function walk(path: string, a: unknown, b: unknown, out: PatternChange[]) {
  if (isDeepStrictEqual(a, b)) return;
  if (a === undefined) return void out.push({ kind: 'added', path, after: b });
  if (b === undefined) return void out.push({ kind: 'removed', path, before: a });
  const ka = keyed(path, a);
  const kb = keyed(path, b);
  if (ka && kb) {
    for (const k of new Set([...Object.keys(ka), ...Object.keys(kb)])) walk(`${path}[${k}]`, ka[k], kb[k], out);
    return;
  }
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(path ? `${path}.${k}` : k, a[k], b[k], out);
    return;
  }
  out.push({ kind: 'changed', path, before: a, after: b });
}

/** What changed from `a` to `b` (two versions, or a council's version and its origin). */
export function diffPatterns(a: ServicePattern, b: ServicePattern): PatternChange[] {
  const out: PatternChange[] = [];
  walk('', a, b, out);
  return out;
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v));

/** One line per change: "+ added", "- removed", "~ changed: before → after". */
export function formatChanges(changes: PatternChange[]): string[] {
  return changes.map((c) =>
    c.kind === 'added' ? `+ ${c.path}: ${show(c.after)}` : c.kind === 'removed' ? `- ${c.path}: ${show(c.before)}` : `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`,
  );
}
