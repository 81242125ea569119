import type { Store } from '../store.ts';
import type { Service } from '../services/service.ts';
import type { Assignee, StaffStore } from '../staff/staff.ts';
import { CLOSED_STATUSES } from '../statuses.ts';
import { mayWork, teamMembersWhoWork } from './eligible.ts';
import { assigneeLabel } from './work.ts';

/** Who changed someone's role or account, as the audit log names them (an email, or `cli`). */
export interface ChangedBy {
  actor: string;
  userId?: string;
}

/**
 * A change to someone's role, groups or account in a council, as one rule
 * with assignment (decision 0175). It runs in one transaction with their row
 * locked for change, so an assignment that checked the old state cannot
 * commit around it. `change` says `why` when it may have taken cases from
 * them; then, in the same transaction, each of their open cases there that
 * they may no longer work goes to the team it was assigned with, while
 * someone active in that team works its service, or else to nobody: each
 * with an audit entry giving why.
 *
 * @example
 *   await changeStaff(store, { actor: admin.email, userId: admin.userId }, { userId, jurisdictionId }, now, async (tx) => {
 *     await tx.users.setRole(userId, jurisdictionId, 'agent', now);
 *     return { value: undefined, why: 'Olu Officer’s role is now agent' };
 *   });
 */
export async function changeStaff<T>(
  store: Store,
  by: ChangedBy,
  who: { userId: string; jurisdictionId: string },
  at: Date,
  change: (tx: StaffStore) => Promise<{ value: T; why?: string }>,
): Promise<T> {
  // Read first: inside the transaction only `tx` may be used.
  const services = new Map((await store.services.list(who.jurisdictionId)).map((s) => [s.code, s]));
  return store.staff.transaction({ users: [who.userId], mode: 'change' }, async (tx) => {
    const { value, why } = await change(tx);
    if (why) await handOverCases(tx, by, who, services, why, at);
    return value;
  });
}

/** Hands over the officer's open cases they may no longer work; returns how many moved. */
async function handOverCases(tx: StaffStore, by: ChangedBy, { userId, jurisdictionId }: { userId: string; jurisdictionId: string }, services: Map<string, Service>, why: string, at: Date): Promise<number> {
  const user = await tx.users.get(userId);
  const held = (await tx.assignments.heldBy(jurisdictionId, userId, [...CLOSED_STATUSES])).filter((c) => !mayWork(user, jurisdictionId, services.get(c.serviceCode)));
  if (!held.length) return 0;
  const staff = await tx.users.list(jurisdictionId);
  const name = user?.name ?? `user ${userId}`;
  let moved = 0;
  for (const c of held) {
    const service = services.get(c.serviceCode);
    const to: Assignee | undefined = c.team && teamMembersWhoWork(staff, jurisdictionId, c.team, service).length ? { team: c.team } : undefined;
    // False when someone reassigned the case a moment ago: their choice stands.
    if (!(await tx.assignments.handOver(jurisdictionId, c.requestId, userId, to, at))) continue;
    const before = assigneeLabel({ userId, ...(c.team ? { team: c.team } : {}) }, name);
    await tx.audit.append({ actor: by.actor, userId: by.userId, jurisdictionId, action: 'case.assign', requestId: c.requestId, before, after: to && assigneeLabel(to), reason: why, at });
    moved++;
  }
  return moved;
}
