import type { Service } from '../core/services/service.ts';
import type { Lang } from './i18n.ts';

/**
 * The service as a resident reading `lang` sees it: in Welsh, each text the
 * council wrote in Welsh replaces the English one (name, notice, questions,
 * hints, error messages, answer names); anything not translated stays English.
 * Codes and keys never change, so answers and validation are the same.
 */
export function inLanguage(service: Service, lang: Lang): Service {
  if (lang !== 'cy') return service;
  const w = service.welsh ?? {};
  return {
    ...service,
    name: w.name ?? service.name,
    description: w.description ?? service.description,
    serviceNotice: w.serviceNotice ?? service.serviceNotice,
    statusLabels: w.statusLabels,
    attributes: service.attributes.map((a) => {
      const aw = a.welsh;
      if (!aw) return a;
      return {
        ...a,
        description: aw.description ?? a.description,
        hint: aw.hint ?? a.hint,
        errorMessages: a.errorMessages || aw.errorMessages ? { ...a.errorMessages, ...aw.errorMessages } : undefined,
        values: a.values?.map((v) => ({ key: v.key, name: aw.values?.[v.key] ?? v.name })),
      };
    }),
  };
}
