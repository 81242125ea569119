import type { ServicePattern } from './schema.ts';
import type { RequestUpdate } from '../core/requests/request.ts';

export type Lifecycle = 'draft' | 'published';

/** One version of a pattern in a council's library. */
export interface StoredPattern {
  jurisdictionId: string;
  id: string;
  version: string;
  lifecycle: Lifecycle;
  document: ServicePattern;
  createdAt: Date;
  publishedAt?: Date;
}

/**
 * The storage port for patterns (implemented in src/store/patterns.ts).
 * Immutability of published versions is the core's rule (lifecycle.ts); the
 * store only reads and writes.
 *
 * @example await store.patterns.get('example', 'pothole', '1.0.0');
 */
export interface PatternStore {
  get(jurisdictionId: string, id: string, version: string): Promise<StoredPattern | undefined>;
  /** Every version of one pattern, in no particular order. */
  versions(jurisdictionId: string, id: string): Promise<StoredPattern[]>;
  /** Every version of every pattern in the council's library. */
  list(jurisdictionId: string): Promise<StoredPattern[]>;
  /** Inserts a version or replaces it (only ever a draft: see lifecycle.ts). */
  save(p: StoredPattern): Promise<void>;
  /** Updates flagged because a status change broke the pattern's transitions, newest first. */
  flaggedUpdates(jurisdictionId: string, limit: number): Promise<RequestUpdate[]>;
}
