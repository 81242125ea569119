import type { ProcessDocument } from '../process/process.ts';
import type { RequestUpdate } from '../requests/request.ts';

export type Lifecycle = 'draft' | 'published';

/**
 * What the core reads of a pattern document: its name, lifecycle and process.
 * The whole format (questions, provenance…) is defined and validated at the
 * edge, in src/patterns/schema.ts, before a document is saved.
 */
export interface PatternDocument {
  name: string;
  lifecycle?: Lifecycle;
  process: ProcessDocument;
  [field: string]: unknown;
}

/** One version of a pattern in a council's library. */
export interface StoredPattern {
  jurisdictionId: string;
  id: string;
  version: string;
  lifecycle: Lifecycle;
  document: PatternDocument;
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
