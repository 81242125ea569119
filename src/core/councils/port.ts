import type { Council } from './council.ts';

/** Why a council write did not happen; the core words it for the caller. */
export type CouncilWrite =
  | { ok: true; council: Council }
  | { ok: false; problem: 'exists' | 'missing' | 'conflict' | 'not_first' | 'token' }
  | { ok: false; problem: 'host'; host: string; council: string };

/**
 * Councils as set up (the `jurisdictions` table and the hosts that serve
 * each). Writes check and write in one transaction: a host serves one
 * council (a unique key), an update names the version it was made against.
 *
 * @example
 *   const w = await store.councils.update({ ...council, name: 'Westshire Council' }, council.version);
 *   if (!w.ok && w.problem === 'conflict') // someone else saved first: read again
 */
export interface CouncilStore {
  list(): Promise<Council[]>;
  get(id: string): Promise<Council | undefined>;
  /** The council a Host header names, if any has claimed it. */
  byHost(host: string): Promise<Council | undefined>;
  /**
   * Adds a council. With `first`, only while none exists (once per install,
   * however many try at once), consuming the set-up token if one is given,
   * and giving staff added before any council (role in FIRST_COUNCIL) their
   * role in this one.
   */
  create(council: Omit<Council, 'version'>, first?: { tokenHash?: string; now: Date }): Promise<CouncilWrite>;
  /** Writes the council as given if it is still at `expectVersion`; its hosts are replaced. */
  update(council: Omit<Council, 'version'>, expectVersion: number): Promise<CouncilWrite>;
  /** Keeps a first-run set-up token's hash until `expiresAt`. */
  addSetupToken(hash: string, expiresAt: Date, now: Date): Promise<void>;
}
