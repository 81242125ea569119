import type { Status } from '../statuses.ts';
import type { ServiceRequest } from '../requests/request.ts';
import type { DeliveryState } from '../delivery/outbox.ts';
import type { DashboardCounts, DashboardQuery } from './dashboard.ts';

/** The staff work queue's filters: every one narrows the same index ranges as GET requests. */
export interface QueueQuery {
  jurisdictionId: string;
  serviceCodes?: string[];
  statuses?: Status[];
  /** Only requests past their expected datetime and not at a closing status, as of this time. */
  overdueAt?: Date;
  /** Only requests assigned to this user id; `null`: only those assigned to nobody. */
  assignedTo?: string | null;
  /** Only requests assigned to this team (to the team itself or one of its officers). */
  assignedToTeam?: string;
  /** A reference (digits) or words in the description or address. */
  text?: string;
  order: 'newest' | 'oldest';
  /** 1-based. */
  page: number;
  pageSize: number;
  /** Read one row past the page, to know whether there is a next one without counting. */
  probe?: boolean;
  /** Keyset paging for exports: only rows after this one in `order`. */
  after?: { requestedAt: Date; id: string };
}

/** Which back-end holds a request, as the queue and case view show it. */
export interface CaseOwner {
  backend: string;
  /** The request's reference at that back-end, once delivered. */
  reference?: string;
  state: DeliveryState;
}

/**
 * The read side of the staff console (src/store/staff-queue.ts).
 *
 * @example const page = await store.staffQueue.search({ jurisdictionId: 'example', order: 'newest', page: 1, pageSize: 50 });
 */
export interface StaffQueueStore {
  search(q: QueueQuery): Promise<ServiceRequest[]>;
  /** How many match, counting no further than `cap` (a count of a million rows is not worth its time). */
  count(q: QueueQuery, cap: number): Promise<number>;
  /** The owning (primary or canary) back-end of each request. */
  owners(requestIds: string[]): Promise<Map<string, CaseOwner>>;
  /** The supervisors' dashboard figures (src/core/cases/dashboard.ts). */
  dashboard(q: DashboardQuery): Promise<DashboardCounts>;
}
