import type { Store } from '../../core/store.ts';
import type { SeenVersion } from '../../core/patterns/sharing.ts';
import { asServicePattern, type ServicePattern } from '../schema.ts';
import { latest } from '../semver.ts';
import { findPattern } from '../lifecycle.ts';

/** One step of where a pattern came from: who published which version, under which licence. */
export interface ProvenanceLink {
  publisher: string;
  publisherName?: string;
  id: string;
  version: string;
  licence?: string;
  url?: string;
  adoptedBy?: string;
  /** false when the step is only named by the next one: its document was not seen here. */
  known: boolean;
}

/**
 * The derived_from chain of a pattern version, across councils: each step
 * found among the versions seen in subscribed feeds (or in the council's own
 * library, for a step without a publisher), until a step has no origin or
 * was never seen here. Newest first.
 */
export async function provenanceChain(store: Store, jurisdictionId: string, start: ServicePattern, startPublisher: string, startName?: string, startUrl?: string): Promise<ProvenanceLink[]> {
  const chain: ProvenanceLink[] = [];
  let doc: ServicePattern | undefined = start;
  let publisher = startPublisher;
  let name = startName;
  let url: string | undefined = startUrl;
  for (let depth = 0; doc && depth < 20; depth++) {
    chain.push({ publisher, publisherName: name ?? doc.provenance.publisher, id: doc.id, version: doc.version, licence: doc.provenance.licence, url, adoptedBy: doc.provenance.adopted_by?.jurisdiction_id, known: true });
    const from: ServicePattern['provenance']['derived_from'] = doc.provenance.derived_from;
    if (!from) break;
    // Without a publisher, the origin is in the same publisher's library: this council's own, or that publisher's feed.
    const origin: string = from.publisher ?? publisher;
    if (origin === jurisdictionId && !from.publisher) {
      const local: ServicePattern | undefined = await findPattern(store, jurisdictionId, from.id, from.version).then((p) => asServicePattern(p.document), () => undefined);
      if (!local) {
        chain.push({ publisher: origin, id: from.id, version: from.version, known: false });
        break;
      }
      [doc, url] = [local, undefined];
      continue;
    }
    const seen: SeenVersion | undefined = latest((await store.patternSharing.seenVersions({ jurisdictionId, publisherId: origin, id: from.id })).filter((v) => v.version === from.version));
    if (!seen) {
      chain.push({ publisher: origin, id: from.id, version: from.version, url: from.url, known: false });
      break;
    }
    [doc, publisher, name, url] = [asServicePattern(seen.document as never), origin, seen.publisherName, seen.url];
  }
  return chain;
}

/** Councils seen in subscribed feeds whose versions name this one as their origin: who adopted it. */
export async function adoptedBy(store: Store, jurisdictionId: string, publisher: string, id: string, version?: string) {
  return (await store.patternSharing.seenVersions({ jurisdictionId }))
    .filter((v) => {
      const d = asServicePattern(v.document as never).provenance.derived_from;
      return d?.publisher === publisher && d.id === id && (!version || d.version === version);
    })
    .map((v) => ({ publisher: v.publisherId, publisherName: v.publisherName, id: v.id, version: v.version, url: v.url }));
}

export const formatChain = (chain: ProvenanceLink[]) =>
  chain.map((l) => `${l.publisher}${l.publisherName ? ` (${l.publisherName})` : ''}: ${l.id}@${l.version}${l.licence ? `, ${l.licence}` : ''}${l.url ? `, ${l.url}` : ''}${l.known ? '' : ' (not seen here)'}`).join(' ← ');
