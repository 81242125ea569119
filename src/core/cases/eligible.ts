import type { Service } from '../services/service.ts';
import type { StaffUser } from '../staff/staff.ts';
import { can } from '../staff/roles.ts';
import { serviceInScope } from './scope.ts';

type Grant = StaffUser['roles'][number];

/** The user's role in the council, if they have one. */
export const grantIn = (user: StaffUser | undefined, jurisdictionId: string): Grant | undefined => user?.roles.find((r) => r.jurisdictionId === jurisdictionId);

/**
 * Who may hold a case (decision 0175): an active account whose role in the
 * case's council works cases (changes statuses) and covers its service's groups.
 */
export const mayWork = (user: StaffUser | undefined, jurisdictionId: string, service: Service | undefined): user is StaffUser => {
  const grant = grantIn(user, jurisdictionId);
  return !!user && !user.disabledAt && !!grant && can(grant.role, 'case.status') && serviceInScope(grant, service);
};

/** Those of `staff` in the council's team `team` who may hold a case of the service: a team may, while one of them does. */
export const teamMembersWhoWork = (staff: StaffUser[], jurisdictionId: string, team: string, service: Service | undefined): StaffUser[] =>
  staff.filter((u) => grantIn(u, jurisdictionId)?.team === team && mayWork(u, jurisdictionId, service));
