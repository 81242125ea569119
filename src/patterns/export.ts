import { asServicePattern, type PatternBundle, type ServicePattern } from './schema.ts';
import type { StoredPattern } from '../core/patterns/stored.ts';

/** The document as another council would import it, with its lifecycle as stored here. */
export const exportPattern = (p: StoredPattern): ServicePattern => ({ ...asServicePattern(p.document), lifecycle: p.lifecycle });

/** One pattern exports as itself; several as a bundle, for handing a whole set to another council. */
export function exportDocument(found: StoredPattern[], bundle: PatternBundle['bundle']): ServicePattern | PatternBundle {
  return found.length === 1 ? exportPattern(found[0]) : { bundle, patterns: found.map(exportPattern) };
}
