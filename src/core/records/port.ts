import type { RequestUpdate } from '../requests/request.ts';

/** A person as the council knows them from their reports. */
export interface PersonQuery {
  email?: string;
  phone?: string;
}

/** One subject-access or erasure request: the law gives the council one month to answer. */
export interface AccessRequest {
  id: string;
  jurisdictionId: string;
  kind: 'export' | 'erase';
  email?: string;
  phone?: string;
  requestIds: string[];
  receivedAt: Date;
  dueAt: Date;
  by: string;
}

/**
 * The records part of the storage port: what retention and subject-access
 * requests read and change. Every change is one transaction per call.
 *
 * @example await store.records.due({ jurisdictionId: 'example', serviceCode: 'pothole', statuses: ['closed'], before, stage: 'contact', limit: 500 });
 */
export interface RecordsStore {
  /** Requests of one service at one of `statuses`, last changed before `before`, not held, whose `stage` is not done yet. */
  due(q: { jurisdictionId: string; serviceCode: string; statuses: string[]; before: Date; stage: 'contact' | 'anonymise'; limit: number }): Promise<string[]>;
  /** Removes the contact details of these requests and of their updates; returns how many requests changed. */
  eraseContact(jurisdictionId: string, ids: string[], at: Date): Promise<number>;
  /**
   * Erases contact details and anonymises: free text, photos, exact address and
   * identifiers go; list answers named in `keepAnswers` (by request id) and the
   * place rounded to about 100 m stay, for statistics.
   */
  anonymise(jurisdictionId: string, ids: string[], keepAnswers: (serviceCode: string) => Set<string>, at: Date): Promise<number>;
  /** Puts a legal hold on a request (retention leaves it alone) or lifts it (`reason` undefined); false when there is no such request. */
  setHold(jurisdictionId: string, id: string, reason: string | undefined): Promise<boolean>;
  /** Ids of every request this person reported (their contact details are on it). */
  findPerson(jurisdictionId: string, q: PersonQuery): Promise<string[]>;
  /** Updates this person sent on requests (a resident's comments carry their contact). */
  commentsBy(jurisdictionId: string, q: PersonQuery): Promise<RequestUpdate[]>;
  /** Blanks the text, photos and contact of these updates. */
  eraseComments(jurisdictionId: string, updateIds: string[]): Promise<number>;
  recordAccess(r: Omit<AccessRequest, 'id'>): Promise<AccessRequest>;
  accessRequests(jurisdictionId: string): Promise<AccessRequest[]>;
  logRun(run: { jurisdictionId: string; startedAt: Date; finishedAt: Date; dryRun: boolean; summary: unknown }): Promise<void>;
}
