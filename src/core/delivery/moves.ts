/**
 * `routes move-open`: the open cases of a service that back-ends other than
 * the route's primary own, moved one at a time to the primary. The move and
 * each case's state are stored, so a move killed half-way is resumed, not
 * started again.
 */
export interface OpenMove {
  id: string;
  jurisdictionId: string;
  serviceCode: string;
  toBackend: string;
  actor: string;
  createdAt: Date;
  finishedAt?: Date;
}

/** pending → moved; failed ones (with why) are tried again when the move is resumed. */
export type OpenMoveState = 'pending' | 'moved' | 'failed';

export interface OpenMoveItem {
  moveId: string;
  requestId: string;
  fromBackend: string;
  fromDeliveryId: string;
  state: OpenMoveState;
  attempts: number;
  newDeliveryId?: string;
  error?: string;
}

/** A case that would move: its request and the job of the back-end that owns it now. */
export interface MoveCandidate {
  requestId: string;
  fromBackend: string;
  fromDeliveryId: string;
  /** The owning job's state: only a delivered one can be moved (the old back-end must hold the case). */
  fromState: string;
}

/**
 * The store side of a move.
 *
 * @example
 *   const move = await store.deliveries.startMove({ jurisdictionId: 'example', serviceCode: 'pothole', toBackend: 'streets', actor: 'cli:jo' }, candidates);
 *   await store.deliveries.completeMoveItem(move.id, item.requestId, { toBackend: 'streets', idempotencyKey, externalRef });
 */
export interface OpenMoveStore {
  /** Open requests of a service whose owning job is at another back-end than `toBackend`, oldest first. */
  moveCandidates(jurisdictionId: string, serviceCode: string, toBackend: string): Promise<MoveCandidate[]>;
  /** Writes the move and one pending item per candidate, in one transaction. */
  startMove(move: Omit<OpenMove, 'id' | 'createdAt' | 'finishedAt'>, items: MoveCandidate[]): Promise<OpenMove>;
  /** The newest move of this service that has not finished. */
  unfinishedMove(jurisdictionId: string, serviceCode: string): Promise<OpenMove | undefined>;
  getMove(id: string): Promise<OpenMove | undefined>;
  moveItems(moveId: string): Promise<OpenMoveItem[]>;
  /** Counts an attempt before the case is sent. */
  startMoveItem(moveId: string, requestId: string): Promise<number>;
  failMoveItem(moveId: string, requestId: string, error: string): Promise<void>;
  /**
   * In one transaction: the new back-end's job (delivered, primary; one per
   * idempotency key however often this runs), the old job no longer the owner
   * (`former`), the item moved. Returns the new job's id.
   */
  completeMoveItem(moveId: string, requestId: string, to: { toBackend: string; idempotencyKey: string; externalRef?: string; note?: string }): Promise<string>;
  finishMove(id: string): Promise<void>;
}
