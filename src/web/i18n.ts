import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LANGUAGES = ['en', 'cy'] as const;
export type Lang = (typeof LANGUAGES)[number];
export type Catalogue = Record<string, string>;
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export const isLang = (s: unknown): s is Lang => typeof s === 'string' && (LANGUAGES as readonly string[]).includes(s);

/** Reads the English and Welsh catalogues (`locales/*.json`); every resident-facing string is in them. */
export function loadCatalogues(dir = join(import.meta.dirname, 'locales')): Record<Lang, Catalogue> {
  const read = (lang: Lang) => JSON.parse(readFileSync(join(dir, `${lang}.json`), 'utf8')) as Catalogue;
  return { en: read('en'), cy: read('cy') };
}

/**
 * A translator for one language. A key missing from that catalogue falls back
 * to English, then to the key itself, so a gap shows up as text, never a crash.
 * `{name}` in a message is replaced by `vars.name`.
 */
export function translator(catalogues: Record<Lang, Catalogue>, lang: Lang): Translate {
  const own = catalogues[lang];
  const en = catalogues.en;
  return (key, vars) => {
    const message = own[key] ?? en[key] ?? key;
    return vars ? message.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : message;
  };
}
