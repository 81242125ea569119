import type { Service } from '../core/services/service.ts';

/** Residents are offered only active, public services: never private, staff-only or retired ones. */
export const offered = (s: Service) => s.active && s.visibility === 'public';

/**
 * Each service once, under its first group (a service in three groups used to
 * appear three times, making the start page several screens long on a phone).
 * Groups and services in alphabetical order; ungrouped services under `otherGroup`.
 */
export function byGroup<S extends Service>(services: S[], otherGroup: string): { name: string; services: S[] }[] {
  const groups = new Map<string, S[]>();
  for (const s of services) {
    const g = s.groups[0] ?? otherGroup;
    groups.set(g, [...(groups.get(g) ?? []), s]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => ({ name, services: list.sort((a, b) => a.name.localeCompare(b.name)) }));
}

// Words that say nothing about which service someone wants.
const STOP = new Set([
  'a', 'an', 'and', 'are', 'at', 'by', 'can', 'for', 'from', 'has', 'have', 'i', 'in', 'into', 'is', 'it', 'its', 'me', 'my', 'near', 'of', 'on', 'or',
  'our', 'outside', 'report', 'some', 'someone', 'the', 'there', 'this', 'to', 'up', 'want', 'was', 'we', 'with', 'working', 'yn', 'y', 'yr', 'ar', 'mewn',
  // Welsh filler: "my", "near", "there is", "of", "to", "with", "which", "our", "your", "report".
  'fy', 'ger', 'wrth', 'mae', 'sydd', 'o', 'ac', 'gyda', 'ein', 'eich', 'yno', 'rhoi', 'gwybod', 'am',
]);

const words = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z0-9]+/).filter(Boolean);

const undouble = (w: string) => (w.length > 3 && w.at(-1) === w.at(-2) && !/[aeiouls]/.test(w.at(-1)!) ? w.slice(0, -1) : w);

/**
 * Crude English stemming, applied alike to what people type and to the
 * catalogue: "potholes" and "pothole", "tipping" and "tip", "lights" and
 * "light", "flooded" and "flood" meet.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith('ing')) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('ed')) w = undouble(w.slice(0, -2));
  else if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

const tokens = (s: string) => words(s).filter((w) => !STOP.has(w)).map(stem);

/**
 * A field's terms: its words, and each pair of neighbours run together, so
 * "street light" is also "streetlight". `first` is the length of a pair's first word.
 */
function terms(list: string[][]): Map<string, { span: number; first: number }> {
  const out = new Map<string, { span: number; first: number }>();
  for (const ws of list) {
    ws.forEach((w, i) => {
      if (!out.has(w)) out.set(w, { span: 1, first: w.length });
      if (i + 1 < ws.length) out.set(w + ws[i + 1], { span: 2, first: w.length });
    });
  }
  return out;
}

/** Where a catalogue term occurs: which service, in which field (name 3, keywords 2, description 1), standing for how many words. */
interface Posting {
  service: number;
  weight: number;
  span: number;
  first: number;
}

interface Index {
  /** Every term of every service, once: a typed word is compared with each term once, not once per service. */
  vocabulary: Map<string, Posting[]>;
  /** Per service, its name and keywords as whole phrases (stemmed words, spaced and run together). */
  phrases: Set<string>[];
}

function buildIndex(services: Service[]): Index {
  const vocabulary = new Map<string, Posting[]>();
  const phrases: Set<string>[] = [];
  services.forEach((s, service) => {
    const name = tokens(s.name);
    const keywords = s.keywords.map(tokens);
    const fields: [number, string[][]][] = [[3, [name]], [2, keywords], [1, [tokens(s.description)]]];
    for (const [weight, lists] of fields) {
      for (const [term, { span, first }] of terms(lists)) {
        const list = vocabulary.get(term) ?? [];
        list.push({ service, weight, span, first });
        vocabulary.set(term, list);
      }
    }
    phrases.push(new Set([name, ...keywords].flatMap((k) => [k.join(' '), k.join('')])));
  });
  return { vocabulary, phrases };
}

// The catalogue changes rarely; the index is kept for the last few distinct catalogues (the store hands out new objects each time).
const indexes = new Map<string, Index>();
function indexFor(services: Service[]): Index {
  const key = JSON.stringify(services.map((s) => [s.code, s.name, s.keywords, s.description]));
  let found = indexes.get(key);
  if (!found) {
    found = buildIndex(services);
    if (indexes.size >= 8) indexes.delete(indexes.keys().next().value!);
    indexes.set(key, found);
  }
  return found;
}

/** Optimal string alignment distance (Levenshtein plus swapped neighbours), stopping early past `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

/**
 * What one typed term earns in each service: the best over the catalogue's
 * terms of how well it matches (1 exact, 0.9 the start of a word as in
 * "pothol", 0.8 a near miss as in "grafitti", which must start with the same
 * letter or the same two swapped), times the words it stands for (a catalogue
 * pair such as "streetlight", or two typed words run together: `typed`), times
 * 10 + the field's weight.
 */
function credits(term: string, typed: number, index: Index, count: number): Float64Array {
  const out = new Float64Array(count);
  const max = term.length >= 8 ? 2 : term.length >= 5 ? 1 : 0;
  for (const [t, postings] of index.vocabulary) {
    let q = 0;
    let prefix = false;
    if (t === term) q = 1;
    else if (term.length >= 4 && t.startsWith(term)) (q = 0.9), (prefix = true);
    else if (max && (t[0] === term[0] || (t[0] === term[1] && t[1] === term[0])) && distance(term, t, max) <= max) q = 0.8;
    if (!q) continue;
    for (const p of postings) {
      // The start of a pair that stops within its first word ("bench" of "benchsign") is one word found, not two.
      const span = prefix && term.length <= p.first ? 1 : p.span;
      out[p.service] = Math.max(out[p.service], q * Math.max(span, typed) * (10 + p.weight));
    }
  }
  return out;
}

/**
 * Ranks services against what a resident typed, forgiving of plurals, words
 * run together or split ("flytipping", "fly tip", "streetlight", "pot hole")
 * and small misspellings; filler words ("the", "in", "my") are ignored.
 *
 * Each typed word earns about 10 when it is found anywhere, so a service
 * matching more of the words comes first ("hole in the road": Pothole, whose
 * keyword has both, before Flooding on a road, whose name has one); a little
 * more for where it is found: the name, then keywords, then the description.
 * Neighbouring words may match as one; the best split wins. The whole query
 * being the name or a keyword adds 5.
 */
export function searchServices<S extends Service>(services: S[], query: string): S[] {
  const q = [...new Set(tokens(query))].slice(0, 12);
  if (!q.length) return [];
  const index = indexFor(services);
  const n = services.length;
  const single = q.map((t) => credits(t, 1, index, n));
  const joined = q.slice(0, -1).map((t, i) => credits(t + q[i + 1], 2, index, n));
  const phrase = [q.join(' '), q.join('')];
  const scored: { s: S; score: number }[] = [];
  for (let k = 0; k < n; k++) {
    const best = new Float64Array(q.length + 1);
    for (let i = 0; i < q.length; i++) {
      best[i + 1] = Math.max(best[i + 1], best[i] + single[i][k]);
      if (i + 1 < q.length) best[i + 2] = Math.max(best[i + 2], best[i] + joined[i][k]);
    }
    let score = best[q.length];
    if (!score) continue;
    if (phrase.some((p) => index.phrases[k].has(p))) score += 5;
    scored.push({ s: services[k], score });
  }
  return scored.sort((a, b) => b.score - a.score || a.s.name.localeCompare(b.s.name)).map((x) => x.s);
}
