import { isDeepStrictEqual } from 'node:util';
import type { Store } from '../../core/store.ts';
import type { SeenVersion } from '../../core/patterns/sharing.ts';
import { asServicePattern, type ServicePattern } from '../schema.ts';
import { compareVersions } from '../semver.ts';
import { runningVersion } from './follow.ts';

export interface AlikeCouncil {
  publisher: string;
  publisherName: string;
  id: string;
  version: string;
  running: boolean;
  sameQuestions: boolean;
  sameProcess: boolean;
  /** Question codes both ask, over the codes either asks: 1 is the same form. */
  questionOverlap: number;
  url: string;
}

// "The same" means what a resident answers and how a request moves, not the words or hints around them.
const questionShape = (p: ServicePattern) =>
  p.questions.map((q) => ({ code: q.code, datatype: q.datatype, required: !!q.required, values: (q.values ?? []).map((v) => v.key).sort() })).sort((a, b) => a.code.localeCompare(b.code));
const processShape = (p: ServicePattern) => {
  const pairs = p.process.transitions.flatMap((t) => [t.from].flat().flatMap((f) => [t.to].flat().map((to) => `${f}>${to}`))).sort();
  return { statuses: p.process.statuses.map((s) => s.status).sort(), pairs, closing: [...p.process.closing].sort(), target: p.process.target, targets: p.process.statuses.map((s) => `${s.status}:${s.target ?? ''}`).sort() };
};

/**
 * For one LGSL code: the councils in the subscribed feeds with a pattern for
 * it (the version their services run, else their newest), and how close each
 * is to what this council runs for the same code.
 */
export async function alikeCouncils(store: Store, jurisdictionId: string, lgsl: number): Promise<{ mine?: { id: string; version: string }; councils: AlikeCouncil[] }> {
  const service = (await store.services.list(jurisdictionId)).find((s) => s.lgslCode === lgsl && s.pattern);
  const running = service ? await runningVersion(store, jurisdictionId, service.pattern!.id) : undefined;
  const mine = running ? asServicePattern(running.document) : undefined;
  const groups = new Map<string, SeenVersion[]>();
  for (const v of await store.patternSharing.seenVersions({ jurisdictionId })) {
    if (!asServicePattern(v.document as never).lgsl_codes.includes(lgsl)) continue;
    // By feed too: publisher ids are unique only within one install.
    const k = `${v.subscriptionId}\0${v.publisherId}\0${v.id}`;
    groups.set(k, [...(groups.get(k) ?? []), v]);
  }
  const councils: AlikeCouncil[] = [];
  for (const versions of groups.values()) {
    const sorted = versions.sort((a, b) => compareVersions(a.version, b.version));
    const pick = sorted.filter((v) => v.running).at(-1) ?? sorted.at(-1)!;
    const p = asServicePattern(pick.document as never);
    const codes = new Set(p.questions.map((q) => q.code));
    const myCodes = new Set(mine?.questions.map((q) => q.code) ?? []);
    const union = new Set([...codes, ...myCodes]);
    const both = [...codes].filter((c) => myCodes.has(c)).length;
    councils.push({
      publisher: pick.publisherId,
      publisherName: pick.publisherName,
      id: pick.id,
      version: pick.version,
      running: pick.running,
      sameQuestions: !!mine && isDeepStrictEqual(questionShape(p), questionShape(mine)),
      sameProcess: !!mine && isDeepStrictEqual(processShape(p), processShape(mine)),
      questionOverlap: union.size ? Math.round((both / union.size) * 100) / 100 : 1,
      url: pick.url,
    });
  }
  councils.sort((a, b) => b.questionOverlap - a.questionOverlap || a.publisher.localeCompare(b.publisher));
  return { mine: mine && { id: mine.id, version: mine.version }, councils };
}
