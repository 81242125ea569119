import { createHash } from 'node:crypto';
import type { Store } from '../core/store.ts';
import type { Service } from '../core/services/service.ts';
import { PipeworkError, type FieldProblem } from '../core/errors.ts';
import { asServicePattern, type PatternQuestion, type ServicePattern, type WelshQuestion } from './schema.ts';
import { findPattern, importPatterns, publishPattern } from './lifecycle.ts';
import { adoptPattern } from './adopt.ts';
import { diffPatterns, type PatternChange } from './diff.ts';
import { validatePattern } from './validate.ts';
import { compareVersions, latest } from './semver.ts';

/** Wording a council edits in English and Welsh (the pattern's `cy` block); a blank Welsh text removes it (the English shows instead). */
export interface WordingEdit {
  name?: string;
  nameCy?: string;
  questions?: Record<string, { description?: string; descriptionCy?: string; hint?: string; hintCy?: string; required?: string; requiredCy?: string; invalid?: string; invalidCy?: string; values?: Record<string, { name?: string; nameCy?: string }> }>;
  statuses?: Record<string, { label?: string; labelCy?: string; description?: string; descriptionCy?: string }>;
}

/** A service and the pattern versions it has: the one it follows, and a newer draft being edited, if any. */
export interface ServiceVersions {
  service: Service;
  current: ServicePattern;
  draft?: ServicePattern;
}

/** Names one state of a document, so a form can say which draft it was based on. */
export const fingerprint = (p: ServicePattern | undefined) => (p ? createHash('sha256').update(JSON.stringify(p)).digest('hex').slice(0, 16) : 'none');

const changedMeanwhile = () =>
  new PipeworkError('INVALID_INPUT', 'Someone else changed this draft since you opened it; look at it again before going on', [{ field: 'draft', message: 'changed meanwhile' }]);

const bump = (v: string) => {
  const [maj, min, patch] = v.split('-')[0].split('.').map(Number);
  return `${maj}.${min}.${patch + 1}`;
};

/** The service, the pattern version it follows and the draft above it (the council's next version). */
export async function serviceVersions(store: Store, jurisdictionId: string, code: string): Promise<ServiceVersions> {
  const service = await store.services.get(jurisdictionId, code);
  if (!service) throw new PipeworkError('SERVICE_NOT_FOUND', `service_code "${code}" was not found in ${jurisdictionId}`);
  if (!service.pattern) {
    throw new PipeworkError('INVALID_INPUT', `${code} does not follow a service pattern, so it has no versions to edit; adopt a pattern for it first`, [{ field: 'service', message: 'follows no pattern' }]);
  }
  const current = asServicePattern((await findPattern(store, jurisdictionId, service.pattern.id, service.pattern.version)).document);
  const versions = await store.patterns.versions(jurisdictionId, service.pattern.id);
  const newer = latest(versions.filter((p) => p.lifecycle === 'draft' && compareVersions(p.version, current.version) > 0));
  return { service, current, draft: newer && asServicePattern(newer.document) };
}

const setText = (o: Record<string, unknown>, key: string, v: string | undefined) => {
  if (v === undefined) return;
  const t = v.trim();
  if (t) o[key] = t;
  else delete o[key];
};
const tidy = <T extends Record<string, unknown>>(o: T | undefined): T | undefined => (o && Object.keys(o).length ? o : undefined);

/** The pattern with the edited wording applied; nothing but wording changes. The Welsh goes in the pattern's `cy` block. */
export function applyWording(p: ServicePattern, edit: WordingEdit): ServicePattern {
  const doc = structuredClone(p) as ServicePattern;
  const cy: Record<string, unknown> = { ...doc.cy };
  if (edit.name !== undefined) doc.name = edit.name.trim();
  setText(cy, 'name', edit.nameCy);
  const cyQuestions: Record<string, WelshQuestion> = { ...doc.cy?.questions };
  doc.questions = doc.questions.map((q) => {
    const e = edit.questions?.[q.code];
    if (!e) return q;
    const out = { ...q } as PatternQuestion & Record<string, unknown>;
    if (e.description !== undefined) out.description = e.description.trim();
    setText(out, 'hint', e.hint);
    const errors: Record<string, unknown> = { ...q.error_messages };
    setText(errors, 'required', e.required);
    setText(errors, 'invalid', e.invalid);
    out.error_messages = tidy(errors) as PatternQuestion['error_messages'];
    if (out.error_messages === undefined) delete out.error_messages;
    const was = cyQuestions[q.code];
    const w: Record<string, unknown> = { ...was };
    setText(w, 'description', e.descriptionCy);
    setText(w, 'hint', e.hintCy);
    const werrors: Record<string, unknown> = { ...was?.error_messages };
    setText(werrors, 'required', e.requiredCy);
    setText(werrors, 'invalid', e.invalidCy);
    w.error_messages = tidy(werrors);
    if (!w.error_messages) delete w.error_messages;
    if (e.values && q.values) {
      const names: Record<string, unknown> = { ...was?.values };
      out.values = q.values.map((v) => {
        const ve = e.values![v.key];
        setText(names, v.key, ve?.nameCy);
        return ve?.name !== undefined ? { ...v, name: ve.name.trim() } : v;
      });
      w.values = tidy(names);
      if (!w.values) delete w.values;
    }
    const next = tidy(w) as WelshQuestion | undefined;
    if (next) cyQuestions[q.code] = next;
    else delete cyQuestions[q.code];
    return out;
  });
  cy.questions = tidy(cyQuestions);
  if (!cy.questions) delete cy.questions;
  const labels: Record<string, unknown> = { ...doc.cy?.status_labels };
  const descriptions: Record<string, unknown> = { ...doc.cy?.status_descriptions };
  doc.process = {
    ...doc.process,
    statuses: doc.process.statuses.map((s) => {
      const e = edit.statuses?.[s.status];
      if (!e) return s;
      setText(labels, s.status, e.labelCy);
      setText(descriptions, s.status, e.descriptionCy);
      const out = { ...s } as typeof s & Record<string, unknown>;
      if (e.label !== undefined) out.label = e.label.trim();
      setText(out, 'description', e.description);
      return out;
    }),
  };
  cy.status_labels = tidy(labels);
  if (!cy.status_labels) delete cy.status_labels;
  cy.status_descriptions = tidy(descriptions);
  if (!cy.status_descriptions) delete cy.status_descriptions;
  doc.cy = tidy(cy) as ServicePattern['cy'];
  if (!doc.cy) delete doc.cy;
  return doc;
}

/**
 * Saves edited wording as the service's next version, a draft in the
 * council's library (the version it follows is published and never changes).
 * Editing again changes the same draft; with `basedOn` (the fingerprint of
 * the draft the form showed) an edit made meanwhile by someone else is not
 * overwritten. Residents see nothing until it is published with
 * `publishServiceVersion`.
 */
export async function saveServiceDraft(store: Store, jurisdictionId: string, code: string, edit: WordingEdit, now = new Date(), basedOn?: string): Promise<ServicePattern> {
  const { current, draft } = await serviceVersions(store, jurisdictionId, code);
  if (basedOn !== undefined && basedOn !== fingerprint(draft)) throw changedMeanwhile();
  const all = await store.patterns.versions(jurisdictionId, current.id);
  const version = draft?.version ?? bump(latest(all)!.version);
  const base = draft ?? current;
  const next: ServicePattern = {
    ...applyWording(base, edit),
    version,
    lifecycle: 'draft',
    provenance: { publisher: jurisdictionId, licence: current.provenance.licence, derived_from: { id: current.id, version: current.version } },
  };
  const { problems } = validatePattern(next);
  if (problems.length) {
    const fields: FieldProblem[] = problems.map((p) => ({ field: p.path, message: p.message }));
    throw new PipeworkError('INVALID_INPUT', `The edited service has ${problems.length} problem(s); nothing was saved`, fields);
  }
  await importPatterns(store, jurisdictionId, [next], now);
  return next;
}

/** What publishing the draft would change, against the version residents see now. */
export async function pendingChanges(store: Store, jurisdictionId: string, code: string): Promise<{ versions: ServiceVersions; changes: PatternChange[] }> {
  const versions = await serviceVersions(store, jurisdictionId, code);
  const strip = (p: ServicePattern): ServicePattern => ({ ...p, lifecycle: undefined, provenance: { publisher: '', licence: '' } });
  return { versions, changes: versions.draft ? diffPatterns(strip(versions.current), strip(versions.draft)) : [] };
}

/**
 * Publishes the draft `version` (refused if it is no longer the `reviewed`
 * one) and moves the service onto it: new requests
 * follow it; requests already made keep the version they were made under.
 */
export async function publishServiceVersion(store: Store, jurisdictionId: string, code: string, version: string, now = new Date(), reviewed?: string): Promise<{ from: string; to: string; service: Service }> {
  const { current, draft } = await serviceVersions(store, jurisdictionId, code);
  if (!draft || draft.version !== version) {
    throw new PipeworkError('INVALID_INPUT', `${code} has no draft version ${version} to publish (it may have been published already)`, [{ field: 'version', message: 'no such draft' }]);
  }
  // What is published is what the admin reviewed, not an edit made since.
  if (reviewed !== undefined && reviewed !== fingerprint(draft)) throw changedMeanwhile();
  await publishPattern(store, jurisdictionId, draft.id, version, now);
  const service = await adoptPattern(store, jurisdictionId, draft.id, { version, serviceCode: code });
  return { from: `${current.id}@${current.version}`, to: `${draft.id}@${version}`, service };
}
