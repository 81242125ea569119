import type { Store } from '../core/store.ts';
import type { AttributeWelsh, Service, ServiceAttribute, ServiceWelsh } from '../core/services/service.ts';
import type { Status } from '../core/statuses.ts';
import { PipeworkError } from '../core/errors.ts';
import { asServicePattern, type PatternQuestion, type ServicePattern, type WelshQuestion } from './schema.ts';
import { findPattern, importPatterns } from './lifecycle.ts';
import { starterPattern } from './library.ts';

/** A pattern question as the Open311 attribute (plus web hints) a service carries. */
export function attributeFromQuestion(q: PatternQuestion, index: number, cy?: WelshQuestion): ServiceAttribute {
  return {
    code: q.code,
    datatype: q.datatype,
    required: q.required ?? false,
    variable: q.variable ?? true,
    order: q.order ?? index + 1,
    description: q.description,
    ...(q.datatype_description ? { datatypeDescription: q.datatype_description } : {}),
    ...(q.values ? { values: q.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
    ...(q.automated ? { automated: q.automated } : {}),
    ...(q.answer_type ? { answerType: q.answer_type } : {}),
    ...(q.hint ? { hint: q.hint } : {}),
    ...(q.error_messages ? { errorMessages: { ...q.error_messages } } : {}),
    ...(cy ? { welsh: welshQuestion(cy) } : {}),
  };
}

const welshQuestion = (cy: WelshQuestion): AttributeWelsh => ({
  ...(cy.description ? { description: cy.description } : {}),
  ...(cy.hint ? { hint: cy.hint } : {}),
  ...(cy.datatype_description ? { datatypeDescription: cy.datatype_description } : {}),
  ...(cy.values ? { values: { ...cy.values } } : {}),
  ...(cy.error_messages ? { errorMessages: { ...cy.error_messages } } : {}),
});

/** The pattern's Welsh as the service carries it; undefined when the pattern has none. */
function welshOf(p: ServicePattern): ServiceWelsh | undefined {
  const cy = p.cy;
  if (!cy) return undefined;
  return {
    ...(cy.name ? { name: cy.name } : {}),
    ...(cy.description ? { description: cy.description } : {}),
    ...(cy.groups ? { groups: [...cy.groups] } : {}),
    ...(cy.keywords ? { keywords: [...cy.keywords] } : {}),
    ...(cy.service_notice ? { serviceNotice: cy.service_notice } : {}),
    ...(cy.status_labels ? { statusLabels: { ...cy.status_labels } as Partial<Record<Status, string>> } : {}),
    ...(cy.status_descriptions ? { statusDescriptions: { ...cy.status_descriptions } as Partial<Record<Status, string>> } : {}),
  };
}

/**
 * The service a pattern version describes, bound to that version. When the
 * council already runs the service, its own choices (active, visibility,
 * agency) are kept; what the pattern defines is replaced.
 */
export function serviceFromPattern(p: ServicePattern, jurisdictionId: string, code: string, existing?: Service): Service {
  return {
    jurisdictionId,
    code,
    name: p.name,
    description: p.description,
    groups: [...p.groups],
    keywords: [...(p.keywords ?? [])],
    type: p.type ?? 'realtime',
    lgslCode: p.lgsl_codes[0],
    attributes: p.questions.map((q, i) => attributeFromQuestion(q, i, p.cy?.questions?.[q.code])),
    active: existing?.active ?? true,
    visibility: existing?.visibility ?? 'public',
    agencyResponsible: existing?.agencyResponsible,
    serviceNotice: p.service_notice,
    pattern: { id: p.id, version: p.version },
    statusLabels: Object.fromEntries(p.process.statuses.map((s) => [s.status, s.label])) as Partial<Record<Status, string>>,
    ...(p.cy ? { welsh: welshOf(p) } : {}),
  };
}

/**
 * Adopts a pattern into a council: the service `code` (default: the pattern
 * id) is created or updated and bound to one published version. The version
 * comes from the council's library, or from the starter library (imported
 * into the council's library first). Requests already made keep the version
 * they were created under.
 */
export async function adoptPattern(
  store: Store,
  jurisdictionId: string,
  id: string,
  options: { version?: string; serviceCode?: string } = {},
): Promise<Service> {
  if (!(await store.jurisdictions.list()).some((j) => j.id === jurisdictionId)) {
    throw new PipeworkError('JURISDICTION_NOT_FOUND', `No jurisdiction "${jurisdictionId}"`);
  }
  const stored = await findPattern(store, jurisdictionId, id, options.version).catch(async (e) => {
    const starter = await starterPattern(id, options.version);
    if (!starter) throw e;
    await importPatterns(store, jurisdictionId, [starter]);
    return findPattern(store, jurisdictionId, id, starter.version);
  });
  if (stored.lifecycle !== 'published') {
    throw new PipeworkError('PATTERN_NOT_PUBLISHED', `${id}@${stored.version} is a draft; publish it first (patterns publish ${id}@${stored.version})`);
  }
  const code = options.serviceCode ?? id;
  const existing = await store.services.get(jurisdictionId, code);
  const service = serviceFromPattern(asServicePattern(stored.document), jurisdictionId, code, existing);
  await store.services.upsert(service);
  return service;
}
