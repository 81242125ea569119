import type { Service } from '../core/services/service.ts';

/** Residents are offered only active, public services: never private, staff-only or retired ones. */
export const offered = (s: Service) => s.active && s.visibility === 'public';

/** Services under each of their groups, groups and services in alphabetical order. */
export function byGroup(services: Service[], otherGroup: string): { name: string; services: Service[] }[] {
  const groups = new Map<string, Service[]>();
  for (const s of services) {
    for (const g of s.groups.length ? s.groups : [otherGroup]) groups.set(g, [...(groups.get(g) ?? []), s]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => ({ name, services: list.sort((a, b) => a.name.localeCompare(b.name)) }));
}

// Words that say nothing about which service someone wants.
const STOP = new Set(['a', 'an', 'and', 'at', 'by', 'for', 'from', 'i', 'in', 'is', 'it', 'my', 'near', 'of', 'on', 'or', 'the', 'there', 'to', 'with', 'yn', 'y', 'yr', 'ar', 'mewn']);

const words = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z0-9]+/).filter(Boolean);
// Crude stemming so "potholes" finds "pothole" and "lights" finds "light".
const stem = (w: string) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);

/**
 * Ranks services against what a resident typed: a whole phrase matching a
 * keyword or the name counts most, then each word found in the name, the
 * keywords, the description. "hole in road" finds the service whose keywords
 * say "hole in road" (Pothole) first.
 */
export function searchServices(services: Service[], query: string): Service[] {
  const phrase = words(query).join(' ');
  const terms = [...new Set(words(query).filter((w) => !STOP.has(w)).map(stem))];
  if (!terms.length) return [];
  const scored = services.map((s) => {
    const name = words(s.name).map(stem);
    const keywords = s.keywords.map((k) => words(k).join(' '));
    const keywordWords = keywords.flatMap((k) => k.split(' ')).map(stem);
    const description = words(s.description).map(stem);
    let score = 0;
    if (phrase && (keywords.includes(phrase) || words(s.name).join(' ') === phrase)) score += 20;
    for (const t of terms) {
      if (name.includes(t)) score += 6;
      else if (name.some((w) => w.startsWith(t) && t.length >= 3)) score += 4;
      if (keywordWords.includes(t)) score += 3;
      if (description.includes(t)) score += 1;
    }
    return { s, score };
  });
  return scored
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.s.name.localeCompare(b.s.name))
    .map((x) => x.s);
}
