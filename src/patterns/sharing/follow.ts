import { isDeepStrictEqual } from 'node:util';
import type { Store } from '../../core/store.ts';
import type { SeenVersion } from '../../core/patterns/sharing.ts';
import type { StoredPattern } from '../../core/patterns/stored.ts';
import { PipeworkError } from '../../core/errors.ts';
import { mergePatterns, type MergeConflict, type Resolutions } from '../../core/patterns/merge.ts';
import { asServicePattern, type ServicePattern } from '../schema.ts';
import { diffPatterns, type PatternChange } from '../diff.ts';
import { compareVersions, latest } from '../semver.ts';
import { importPatterns } from '../lifecycle.ts';
import { adoptPattern } from '../adopt.ts';
import { validatePattern } from '../validate.ts';

/** Where a council's pattern came from, when that was another council's feed. */
export type Origin = { publisher: string; id: string; version: string; url?: string };

export const originOf = (p: ServicePattern): Origin | undefined => {
  const d = p.provenance.derived_from;
  return d?.publisher ? { publisher: d.publisher, id: d.id, version: d.version, url: d.url } : undefined;
};

/** A diff sorted into what a digital officer asks about first (issue 15, "Follow"). */
export interface ChangeSummary {
  questions: { added: string[]; removed: string[]; changed: string[] };
  process: string[];
  targets: string[];
  retention: string[];
  other: string[];
}

const IGNORED = /^(version|lifecycle|provenance)(\.|$)/;

export function summarise(changes: PatternChange[]): ChangeSummary {
  const s: ChangeSummary = { questions: { added: [], removed: [], changed: [] }, process: [], targets: [], retention: [], other: [] };
  for (const c of changes) {
    if (IGNORED.test(c.path)) continue;
    const q = /^questions\[([^\]]+)\](.*)$/.exec(c.path);
    if (q) {
      const list = q[2] ? s.questions.changed : c.kind === 'added' ? s.questions.added : c.kind === 'removed' ? s.questions.removed : s.questions.changed;
      if (!list.includes(q[1])) list.push(q[1]);
    } else if (/(^|\.)target$/.test(c.path)) s.targets.push(c.path);
    else if (c.path.startsWith('process')) s.process.push(c.path);
    else if (c.path.startsWith('retention')) s.retention.push(c.path);
    else s.other.push(c.path);
  }
  return s;
}

const next = (versions: string[]): string => {
  const top = latest(versions.map((version) => ({ version })))?.version ?? '0.0.0';
  const [maj, min] = top.split('-')[0].split('.').map(Number);
  return `${maj}.${min + 1}.0`;
};

/** A pattern without what differs between copies of it: its number, lifecycle and provenance. */
const body = (p: ServicePattern) => {
  const { version: _v, lifecycle: _l, provenance: _p, ...rest } = p;
  return rest as Record<string, unknown>;
};

/** The version of a pattern the council runs: the one its services are bound to, else its newest published one. */
export async function runningVersion(store: Store, jurisdictionId: string, id: string): Promise<StoredPattern | undefined> {
  const bound = (await store.services.list(jurisdictionId)).find((s) => s.pattern?.id === id)?.pattern;
  const versions = await store.patterns.versions(jurisdictionId, id);
  return (bound && versions.find((v) => v.version === bound.version)) ?? latest(versions.filter((v) => v.lifecycle === 'published'));
}

async function seenOf(store: Store, jurisdictionId: string, publisher: string, id: string, version?: string, subscriptionId?: string): Promise<SeenVersion | undefined> {
  const all = (await store.patternSharing.seenVersions({ jurisdictionId, publisherId: publisher, id, subscriptionId })).filter((v) => !version || v.version === version);
  return latest(all);
}

/**
 * The version a council took, and the feed it came through: by its URL when
 * derived_from has one (publisher ids are unique only within one install),
 * else by publisher, id and version. Newer versions are looked for in that feed.
 */
async function originSeen(store: Store, jurisdictionId: string, origin: Origin): Promise<SeenVersion | undefined> {
  const all = (await store.patternSharing.seenVersions({ jurisdictionId, publisherId: origin.publisher, id: origin.id })).filter((v) => v.version === origin.version);
  return all.find((v) => origin.url && v.url === origin.url) ?? all[0];
}

const servicesOn = async (store: Store, j: string, id: string, version?: string) =>
  (await store.services.list(j)).filter((s) => s.pattern?.id === id && (!version || s.pattern.version === version)).map((s) => s.code);

/**
 * Adopts a version seen in a subscribed feed: it becomes the council's own
 * published version (the source's number when the council has none of this
 * pattern yet, else its next), published by the council, licence kept,
 * `derived_from` naming the publisher and the version's URL; then the service
 * follows it.
 */
export async function adoptFromFeed(
  store: Store,
  jurisdictionId: string,
  publisher: string,
  id: string,
  options: { version?: string; serviceCode?: string; now?: Date } = {},
): Promise<{ pattern: ServicePattern; serviceCode: string }> {
  const seen = await seenOf(store, jurisdictionId, publisher, id, options.version);
  if (!seen) throw new PipeworkError('PATTERN_NOT_FOUND', `No ${publisher}/${id}${options.version ? `@${options.version}` : ''} seen in ${jurisdictionId}'s subscribed feeds (patterns fetch first)`);
  const src = asServicePattern(seen.document as never);
  const mine = await store.patterns.versions(jurisdictionId, id);
  // Adopting the same source version again binds the copy already made rather than making another.
  const copy = mine.find((m) => {
    const d = asServicePattern(m.document);
    const o = originOf(d);
    return m.lifecycle === 'published' && o?.publisher === publisher && o.id === src.id && o.version === src.version && isDeepStrictEqual(body(d), body(src));
  });
  if (copy) {
    const service = await adoptPattern(store, jurisdictionId, id, { version: copy.version, serviceCode: options.serviceCode });
    return { pattern: asServicePattern(copy.document), serviceCode: service.code };
  }
  const name = (await store.jurisdictions.list()).find((j) => j.id === jurisdictionId)?.name ?? jurisdictionId;
  const version = mine.length ? next(mine.map((m) => m.version)) : src.version;
  const doc: ServicePattern = {
    ...src,
    version,
    lifecycle: 'published',
    provenance: { publisher: name, licence: src.provenance.licence, derived_from: { id: src.id, version: src.version, publisher, url: seen.url } },
  };
  await importPatterns(store, jurisdictionId, [doc], options.now);
  const service = await adoptPattern(store, jurisdictionId, id, { version, serviceCode: options.serviceCode });
  return { pattern: doc, serviceCode: service.code };
}

export interface AvailableUpdate {
  id: string;
  local: string;
  origin: Origin;
  newest: { version: string; url: string; publishedAt: string };
  /** What the source changed between the version the council took and its newest. */
  source: ChangeSummary;
  /** From what the council runs to the source's newest. */
  againstLocal: ChangeSummary;
  changes: PatternChange[];
}

/** Each pattern the council took from another council whose source has published a newer version since. */
export async function availableUpdates(store: Store, jurisdictionId: string): Promise<AvailableUpdate[]> {
  const ids = [...new Set((await store.patterns.list(jurisdictionId)).map((p) => p.id))];
  const out: AvailableUpdate[] = [];
  for (const id of ids) {
    const running = await runningVersion(store, jurisdictionId, id);
    if (!running) continue;
    const local = asServicePattern(running.document);
    const origin = originOf(local);
    if (!origin) continue;
    const base = await originSeen(store, jurisdictionId, origin);
    const newest = await seenOf(store, jurisdictionId, origin.publisher, origin.id, undefined, base?.subscriptionId);
    if (!newest || compareVersions(newest.version, origin.version) <= 0) continue;
    const src = asServicePattern(newest.document as never);
    const changes = diffPatterns(local, src);
    out.push({
      id,
      local: running.version,
      origin,
      newest: { version: newest.version, url: newest.url, publishedAt: newest.publishedAt },
      source: summarise(base ? diffPatterns(asServicePattern(base.document as never), src) : []),
      againstLocal: summarise(changes),
      changes: changes.filter((c) => !IGNORED.test(c.path)),
    });
  }
  return out;
}

export interface UpdatePreview {
  id: string;
  local: string;
  base: string;
  source: string;
  version: string;
  document: ServicePattern;
  conflicts: MergeConflict[];
  resolved: string[];
  /** From what the council runs to what it would publish. */
  changes: PatternChange[];
  summary: ChangeSummary;
}

/**
 * The reviewed change (decision 0122): merges source-old (the version the
 * council took), source-new and what the council runs, and shows the result
 * as the council's next version, with any conflicts. Nothing is written.
 */
export async function previewUpdate(store: Store, jurisdictionId: string, id: string, options: { to?: string; resolutions?: Resolutions } = {}): Promise<UpdatePreview> {
  const running = await runningVersion(store, jurisdictionId, id);
  if (!running) throw new PipeworkError('PATTERN_NOT_FOUND', `No published ${id} in ${jurisdictionId}'s library`);
  const local = asServicePattern(running.document);
  const origin = originOf(local);
  if (!origin) throw new PipeworkError('INVALID_INPUT', `${id}@${local.version} was not taken from another council's feed`, [{ field: 'id', message: 'has no derived_from.publisher' }]);
  const baseSeen = await originSeen(store, jurisdictionId, origin);
  if (!baseSeen) throw new PipeworkError('PATTERN_NOT_FOUND', `${origin.publisher}/${origin.id}@${origin.version}, the version ${id} came from, is not among the versions seen in subscribed feeds`);
  const newSeen = await seenOf(store, jurisdictionId, origin.publisher, origin.id, options.to, baseSeen.subscriptionId);
  if (!newSeen || compareVersions(newSeen.version, origin.version) <= 0) throw new PipeworkError('PATTERN_NOT_FOUND', `${origin.publisher} has published no ${origin.id} newer than ${origin.version}${options.to ? ` as ${options.to}` : ''}`);
  const [base, src] = [asServicePattern(baseSeen.document as never), asServicePattern(newSeen.document as never)];
  const { merged, conflicts, resolved } = mergePatterns(body(base), body(src), body(local), options.resolutions);
  const version = next((await store.patterns.versions(jurisdictionId, id)).map((v) => v.version));
  const document = {
    ...merged,
    id,
    version,
    lifecycle: 'published',
    provenance: { ...local.provenance, licence: src.provenance.licence, derived_from: { id: src.id, version: src.version, publisher: origin.publisher, url: newSeen.url } },
  } as ServicePattern;
  delete (document.provenance as { adopted_by?: unknown }).adopted_by;
  const changes = diffPatterns(local, document).filter((c) => !IGNORED.test(c.path));
  return { id, local: local.version, base: base.version, source: src.version, version, document, conflicts, resolved, changes, summary: summarise(changes) };
}

/**
 * Publishes the merged version as the council's next one and moves the
 * services that ran the old one onto it; requests already made keep theirs.
 * Refused while a conflict is unresolved.
 */
export async function applyUpdate(store: Store, jurisdictionId: string, id: string, options: { to?: string; resolutions?: Resolutions; now?: Date } = {}) {
  const preview = await previewUpdate(store, jurisdictionId, id, options);
  if (preview.conflicts.length) {
    throw new PipeworkError(
      'PATTERN_MERGE_CONFLICT',
      `${preview.conflicts.length} conflict(s) between ${preview.source} and ${jurisdictionId}'s own changes; resolve each (source or local) first`,
      preview.conflicts.map((c) => ({ field: c.path, message: `source ${JSON.stringify(c.source)}, local ${JSON.stringify(c.local)}, was ${JSON.stringify(c.base)}` })),
    );
  }
  const checked = validatePattern(preview.document);
  if (!checked.pattern) {
    const problems = checked.problems.map((p) => ({ field: p.path, message: p.message }));
    throw new PipeworkError('INVALID_INPUT', `The merged pattern does not validate: ${problems.slice(0, 5).map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
  }
  await importPatterns(store, jurisdictionId, [checked.pattern], options.now);
  const moved: string[] = [];
  for (const code of await servicesOn(store, jurisdictionId, id, preview.local)) {
    await adoptPattern(store, jurisdictionId, id, { version: preview.version, serviceCode: code });
    moved.push(code);
  }
  return { ...preview, services: moved };
}
