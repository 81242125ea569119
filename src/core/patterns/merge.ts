import { isDeepStrictEqual } from 'node:util';

/** A place where the source and the council both changed the same thing differently: shown, never guessed (decision 0122). */
export interface MergeConflict {
  path: string;
  base: unknown;
  source: unknown;
  local: unknown;
}

/** How a person settled a conflict, by its path: take the source's value or keep the council's. */
export type Resolutions = Record<string, 'source' | 'local'>;

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Lists whose items have an identity, merged item by item (the same keys as
 * the diff uses): questions by code, answer values by key, statuses by
 * status, transitions by their from and to. Other lists (groups, keywords,
 * closing) are one value each.
 */
function keyOf(path: string): ((item: Record<string, unknown>) => string) | undefined {
  if (path === 'questions') return (q) => String(q.code);
  if (/^questions\[[^\]]+\]\.values$/.test(path)) return (v) => String(v.key);
  if (path === 'process.statuses') return (s) => String(s.status);
  if (path === 'process.transitions') return (t) => JSON.stringify([t.from, t.to]);
  return undefined;
}

const keyedList = (v: unknown, key: (i: Record<string, unknown>) => string): Map<string, unknown> | undefined =>
  v === undefined ? new Map() : Array.isArray(v) && v.every(isObj) ? new Map(v.map((i) => [key(i), i])) : undefined;

/** Order of a merged list: the council's own order, with items new in the source placed after the item they follow there. */
function mergedOrder(source: string[], local: string[]): string[] {
  const out = [...local];
  for (let i = 0; i < source.length; i++) {
    const k = source[i];
    if (out.includes(k)) continue;
    const before = source.slice(0, i).reverse().find((p) => out.includes(p));
    out.splice(before === undefined ? 0 : out.indexOf(before) + 1, 0, k);
  }
  return out;
}

function merge3(path: string, base: unknown, source: unknown, local: unknown, out: { conflicts: MergeConflict[]; resolved: string[] }, resolutions: Resolutions): unknown {
  if (isDeepStrictEqual(source, local)) return local;
  if (isDeepStrictEqual(base, local)) return source; // only the source changed it
  if (isDeepStrictEqual(base, source)) return local; // only the council changed it
  const key = keyOf(path);
  if (key) {
    const [b, s, l] = [keyedList(base, key), keyedList(source, key), keyedList(local, key)];
    if (b && s && l && source !== undefined && local !== undefined) {
      const items = new Map<string, unknown>();
      for (const k of new Set([...b.keys(), ...s.keys(), ...l.keys()])) {
        const m = merge3(`${path}[${k}]`, b.get(k), s.get(k), l.get(k), out, resolutions);
        if (m !== undefined) items.set(k, m);
      }
      return mergedOrder([...s.keys()], [...l.keys()]).filter((k) => items.has(k)).map((k) => items.get(k));
    }
  } else if (isObj(source) && isObj(local) && (base === undefined || isObj(base))) {
    const b = (base ?? {}) as Record<string, unknown>;
    const merged: Record<string, unknown> = {};
    for (const k of new Set([...Object.keys(local), ...Object.keys(source)])) {
      const m = merge3(path ? `${path}.${k}` : k, b[k], source[k], local[k], out, resolutions);
      if (m !== undefined) merged[k] = m;
    }
    return merged;
  }
  const chosen = resolutions[path];
  if (chosen) {
    out.resolved.push(path);
    return chosen === 'source' ? source : local;
  }
  out.conflicts.push({ path, base, source, local });
  return local;
}

/**
 * The three-way merge of a pattern the council adopted: `base` is the source
 * version it came from, `source` the source's new version, `local` what the
 * council runs. Whatever only one side changed is taken from that side; where
 * both changed the same thing differently, a conflict is reported (and the
 * council's value kept in `merged`) unless `resolutions` settles it.
 *
 * @example const { merged, conflicts } = mergePatterns(a100, a110, b101); if (!conflicts.length) publish(merged)
 */
export function mergePatterns<T extends Record<string, unknown>>(base: T, source: T, local: T, resolutions: Resolutions = {}): { merged: T; conflicts: MergeConflict[]; resolved: string[] } {
  const out = { conflicts: [] as MergeConflict[], resolved: [] as string[] };
  const merged = merge3('', base, source, local, out, resolutions) as T;
  return { merged, ...out };
}
