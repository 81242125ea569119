import type { Store } from '../store.ts';
import { PipeworkError, invalid } from '../errors.ts';
import { councilProblems, isSettingKey, normaliseHost, SETTING_FIELDS, type Council, type CouncilSettings } from './council.ts';
import type { CouncilWrite } from './port.ts';

/** The fields of a council a caller may give: names, hosts and any setting; empty text clears a setting. */
export type CouncilChanges = { name?: string; welshName?: string; hosts?: string[] } & Partial<Record<keyof CouncilSettings, string>>;

/** Who acts, for the audit log: an email, `cli`, or `api:KEYNAME`. */
export type CouncilActor = { by: string; userId?: string };

export function apply(base: Omit<Council, 'version'>, changes: CouncilChanges): Omit<Council, 'version'> {
  const next = { ...base, settings: { ...base.settings } };
  for (const [k, raw] of Object.entries(changes)) {
    if (raw === undefined) continue;
    if (k === 'hosts') {
      next.hosts = (raw as string[]).map(normaliseHost).filter(Boolean);
      continue;
    }
    const v = String(raw).replace(/\r\n/g, '\n').trim();
    if (k === 'name') next.name = v;
    else if (k === 'welshName') next.welshName = v || undefined;
    else if (isSettingKey(k)) {
      if (v) next.settings[k] = v;
      else delete next.settings[k];
    } else throw invalid([{ field: k, message: `"${k}" is not a council setting` }]);
  }
  return next;
}

function check(c: Omit<Council, 'version'>) {
  const problems = councilProblems(c);
  if (problems.length) throw invalid(problems);
}

export function refused(w: Exclude<CouncilWrite, { ok: true }>, id: string): PipeworkError {
  switch (w.problem) {
    case 'exists':
      return invalid([{ field: 'id', message: `A council with the ID "${id}" already exists` }]);
    case 'missing':
      return new PipeworkError('NOT_FOUND', `No council "${id}"`);
    case 'conflict':
      return new PipeworkError('EDIT_CONFLICT', 'Someone else changed this council while you were editing it. Look at it again and make your change once more.');
    case 'not_first':
      return new PipeworkError('FORBIDDEN', 'A council has already been set up on this install; ask one of its administrators');
    case 'token':
      return invalid([{ field: 'token', message: 'The set-up token is wrong, has expired or has been used' }]);
    case 'host':
      return invalid([{ field: 'hosts', message: `${w.host} already serves the council "${w.council}"` }]);
  }
}

/** Only what changed, as `field: value` lines, for the audit log. */
export function difference(a: Omit<Council, 'version'> | undefined, b: Omit<Council, 'version'>) {
  const flat = (c?: Omit<Council, 'version'>): Record<string, string> =>
    c ? { name: c.name, welshName: c.welshName ?? '', hosts: c.hosts.join(','), ...c.settings } : {};
  const [x, y] = [flat(a), flat(b)];
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => (x[k] ?? '') !== (y[k] ?? ''));
  return { before: JSON.stringify(Object.fromEntries(keys.map((k) => [k, x[k] ?? '']))), after: JSON.stringify(Object.fromEntries(keys.map((k) => [k, y[k] ?? '']))), changed: keys };
}

/**
 * Adds a council (CLI, admin API). Its ID names it in Open311
 * (jurisdiction_id) and never changes.
 *
 * @example await addCouncil(store, 'westshire', { name: 'Westshire Council' }, { by: 'cli' })
 */
export async function addCouncil(store: Store, id: string, changes: CouncilChanges, actor: CouncilActor, now = new Date()): Promise<Council> {
  const c = apply({ id: id.trim(), name: '', hosts: [], settings: {} }, changes);
  check(c);
  // The first council of an install takes over the roles of staff added before it (FIRST_COUNCIL), as on the first-run page.
  const first = (await store.councils.list()).length === 0;
  let w = await store.councils.create(c, first ? { now } : undefined);
  if (!w.ok && w.problem === 'not_first') w = await store.councils.create(c);
  if (!w.ok) throw refused(w, c.id);
  await store.staff.audit.append({ actor: actor.by, userId: actor.userId, jurisdictionId: c.id, action: 'council.add', after: difference(undefined, c).after, at: now });
  return w.council;
}

/**
 * Changes a council's names, hosts or settings. With `expectVersion` (a form
 * that showed that version) a change saved by someone else meanwhile is refused.
 *
 * @example await setCouncil(store, 'westshire', { headerColour: '#0b0c0c' }, { by: 'kim@westshire.gov.uk' })
 */
export async function setCouncil(store: Store, id: string, changes: CouncilChanges, actor: CouncilActor, opts: { expectVersion?: number; now?: Date } = {}): Promise<{ council: Council; changed: string[] }> {
  const current = await store.councils.get(id);
  if (!current) throw new PipeworkError('NOT_FOUND', `No council "${id}"`);
  const next = apply(current, changes);
  check(next);
  const diff = difference(current, next);
  if (!diff.changed.length) return { council: current, changed: [] };
  const w = await store.councils.update(next, opts.expectVersion ?? current.version);
  if (!w.ok) throw refused(w, id);
  await store.staff.audit.append({ actor: actor.by, userId: actor.userId, jurisdictionId: id, action: 'council.set', before: diff.before, after: diff.after, at: opts.now ?? new Date() });
  return { council: w.council, changed: diff.changed };
}

/** The settings form's fields for one group (contact, look, accessibility, privacy). */
export const fieldsOf = (group: string) => SETTING_FIELDS.filter((f) => f.group === group);
