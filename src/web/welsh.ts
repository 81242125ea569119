import type { Service, ServiceAttribute } from '../core/services/service.ts';
import type { Lang } from './i18n.ts';

/** A text field still in English on a Welsh page: templates mark it `lang="en"`. */
export type EnglishFields = Set<string>;

export type LocalAttribute = ServiceAttribute & { english: EnglishFields };
export type LocalService = Omit<Service, 'attributes'> & { attributes: LocalAttribute[]; english: EnglishFields };

/**
 * A service as a Welsh page shows it: the pattern's Welsh text in place of the
 * English wherever the council wrote it, and a note of each field left in
 * English (so it can be marked `lang="en"`). Keys of options are unchanged, so
 * answers given in Welsh are the same answers. On English pages nothing changes.
 */
export function localised(service: Service, lang: Lang): LocalService {
  if (lang === 'en') return { ...service, english: new Set(), attributes: service.attributes.map((a) => ({ ...a, english: new Set() })) };
  const cy = service.welsh ?? {};
  const english = new Set<string>();
  const pick = (field: string, own: string | undefined, fallback: string | undefined) => {
    if (own) return own;
    if (fallback) english.add(field);
    return fallback;
  };
  return {
    ...service,
    name: pick('name', cy.name, service.name)!,
    description: pick('description', cy.description, service.description) ?? '',
    serviceNotice: pick('serviceNotice', cy.serviceNotice, service.serviceNotice),
    groups: cy.groups?.length === service.groups.length ? cy.groups : (service.groups.length && english.add('groups'), service.groups),
    // Welsh keywords, and the English name and keywords too: a Welsh page is also used by people who type English.
    keywords: [...(cy.keywords ?? []), ...(cy.name ? [service.name] : []), ...service.keywords],
    statusLabels: cy.statusLabels,
    english,
    attributes: service.attributes.map(localAttribute),
  };
}

function localAttribute(a: ServiceAttribute): LocalAttribute {
  const cy = a.welsh ?? {};
  const english = new Set<string>();
  const pick = (field: string, own: string | undefined, fallback: string | undefined) => {
    if (own) return own;
    if (fallback) english.add(field);
    return fallback;
  };
  const values = a.values?.map((v) => {
    const name = cy.values?.[v.key];
    if (!name) english.add(`value:${v.key}`);
    return { key: v.key, name: name ?? v.name };
  });
  return {
    ...a,
    description: pick('description', cy.description, a.description)!,
    hint: pick('hint', cy.hint, a.hint),
    datatypeDescription: pick('datatypeDescription', cy.datatypeDescription, a.datatypeDescription),
    ...(values ? { values } : {}),
    // An English message on a Welsh page is worse than the catalogue's Welsh one: only the pattern's Welsh messages are used.
    errorMessages: cy.errorMessages,
    english,
  };
}
