import { isDeepStrictEqual } from 'node:util';
import type { Store } from '../core/store.ts';
import { PipeworkError } from '../core/errors.ts';
import { asServicePattern, type ServicePattern } from './schema.ts';
import type { StoredPattern } from '../core/patterns/stored.ts';
import { latest } from './semver.ts';

export interface ImportOutcome {
  id: string;
  version: string;
  lifecycle: StoredPattern['lifecycle'];
  outcome: 'created' | 'replaced' | 'unchanged';
}

/** The document without what records where a copy went: equal cores mean the same published version. */
export function withoutAdoption(p: ServicePattern): ServicePattern {
  const { adopted_by: _ignored, ...provenance } = p.provenance;
  return { ...p, provenance };
}

/**
 * Puts validated patterns into a council's library, all or nothing. A draft
 * replaces a draft of the same version; a published version never changes, so
 * importing different content under a published id@version is refused
 * (PATTERN_VERSION_PUBLISHED), and importing the same content again is a no-op.
 * A published pattern arriving from elsewhere records the adoption in
 * `provenance.adopted_by`.
 */
export async function importPatterns(store: Store, jurisdictionId: string, patterns: ServicePattern[], now = new Date()): Promise<ImportOutcome[]> {
  const plans: { doc: ServicePattern; existing?: StoredPattern }[] = [];
  const conflicts: string[] = [];
  for (const doc of patterns) {
    const existing = await store.patterns.get(jurisdictionId, doc.id, doc.version);
    if (existing?.lifecycle === 'published' && !isDeepStrictEqual(withoutAdoption(asServicePattern(existing.document)), withoutAdoption({ ...doc, lifecycle: 'published' }))) {
      conflicts.push(`${doc.id}@${doc.version} is published and differs from what is in the library; give the changed pattern a new version`);
    }
    plans.push({ doc, existing });
  }
  if (conflicts.length) {
    throw new PipeworkError('PATTERN_VERSION_PUBLISHED', conflicts.join('; '), conflicts.map((message) => ({ field: 'version', message })));
  }
  const out: ImportOutcome[] = [];
  for (const { doc, existing } of plans) {
    if (existing?.lifecycle === 'published') {
      out.push({ id: doc.id, version: doc.version, lifecycle: 'published', outcome: 'unchanged' });
      continue;
    }
    const lifecycle = doc.lifecycle === 'published' ? 'published' : 'draft';
    const document: ServicePattern =
      lifecycle === 'published'
        ? { ...doc, provenance: { ...doc.provenance, adopted_by: { jurisdiction_id: jurisdictionId, adopted_at: now.toISOString().replace(/\.\d{3}Z$/, 'Z') } } }
        : doc;
    await store.patterns.save({
      jurisdictionId,
      id: doc.id,
      version: doc.version,
      lifecycle,
      document,
      createdAt: existing?.createdAt ?? now,
      publishedAt: lifecycle === 'published' ? now : undefined,
    });
    out.push({ id: doc.id, version: doc.version, lifecycle, outcome: existing ? 'replaced' : 'created' });
  }
  return out;
}

/** Makes a draft version published: from now on it never changes. Publishing twice is harmless. */
export async function publishPattern(store: Store, jurisdictionId: string, id: string, version: string, now = new Date()): Promise<StoredPattern> {
  const p = await findPattern(store, jurisdictionId, id, version);
  if (p.lifecycle === 'published') return p;
  const published: StoredPattern = { ...p, lifecycle: 'published', publishedAt: now, document: { ...p.document, lifecycle: 'published' } };
  await store.patterns.save(published);
  return published;
}

/**
 * One version of a pattern in the council's library; without a version, the
 * newest published one, or failing that the newest draft.
 */
export async function findPattern(store: Store, jurisdictionId: string, id: string, version?: string): Promise<StoredPattern> {
  const found = version
    ? await store.patterns.get(jurisdictionId, id, version)
    : await store.patterns.versions(jurisdictionId, id).then((all) => latest(all.filter((p) => p.lifecycle === 'published')) ?? latest(all));
  if (!found) throw new PipeworkError('PATTERN_NOT_FOUND', `No pattern ${id}${version ? `@${version}` : ''} in ${jurisdictionId}'s library`);
  return found;
}

/** "pothole@1.2.0" → { id, version }; "pothole" → { id }. */
export function parseRef(ref: string): { id: string; version?: string } {
  const at = ref.indexOf('@');
  return at < 0 ? { id: ref } : { id: ref.slice(0, at), version: ref.slice(at + 1) || undefined };
}
