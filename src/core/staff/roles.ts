/**
 * Staff roles, per council. Each role can do what the one before it can, and
 * more: an agent (contact centre) raises and finds requests and adds notes; an
 * officer works cases (status, replies, assignment); a supervisor also runs
 * bulk actions, reads the audit log and answers subject-access and erasure
 * requests; an admin also sets the council up.
 */
export const ROLES = ['agent', 'officer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/** What a page or action needs. Checked on every staff route, never only hidden in the page. */
export const ABILITIES = {
  'queue.view': 'agent',
  'case.view': 'agent',
  'case.note': 'agent',
  'case.raise': 'agent',
  'case.status': 'officer',
  'case.reply': 'officer',
  'case.assign': 'officer',
  'case.bulk': 'supervisor',
  'audit.view': 'supervisor',
  'dashboard.view': 'supervisor',
  /** Subject access and erasure (UK GDPR): find, export and erase a person's records. */
  'records.manage': 'supervisor',
  'council.admin': 'admin',
} as const satisfies Record<string, Role>;

export type Ability = keyof typeof ABILITIES | 'contact.view';

/**
 * Residents' contact details are for the people who answer them: agents,
 * officers and supervisors. Council set-up does not need them, so an admin
 * sees them only with one of those roles (least privilege).
 */
const CONTACT_ROLES: ReadonlySet<Role> = new Set(['agent', 'officer', 'supervisor']);

/** May someone with `role` in a council do `ability` there? */
export function can(role: Role | undefined, ability: Ability): boolean {
  if (!role) return false;
  if (ability === 'contact.view') return CONTACT_ROLES.has(role);
  // Subject-access exports hold contact details: supervisors, not admins alone.
  if (ability === 'records.manage') return CONTACT_ROLES.has(role) && ROLES.indexOf(role) >= ROLES.indexOf(ABILITIES[ability]);
  return ROLES.indexOf(role) >= ROLES.indexOf(ABILITIES[ability]);
}
