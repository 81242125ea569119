import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { StaffStore, StaffUser, AuditEntry, SavedView, Assignee } from '../core/staff/staff.ts';
import { assignedEvents } from '../core/events/decide.ts';
import { insertEvents } from './events.ts';
import type { Role } from '../core/staff/roles.ts';
import type { Status } from '../core/statuses.ts';

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
const num = (id: string) => (/^[1-9]\d{0,15}$/.test(id) ? Number(id) : -1);

type UserRow = Selectable<Database['staff_users']>;

/** Runs `work` in the transaction `db` already is, or in a new one. */
const inTransaction = <T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> => (db.isTransaction ? work(db) : db.transaction().execute(work));

/**
 * Holds these users' rows until the transaction ends. PostgreSQL: `for share`
 * to rely on who they are (many at once), `for update` to change them (waits
 * for those). SQLite has one writer: a write as the transaction's first
 * statement takes that lock (waiting `busy_timeout` for another process), so
 * nothing read after it can change before the commit.
 */
async function lockUsers(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', userIds: string[], mode: 'read' | 'change') {
  const ids = [...new Set(userIds.map(num))].filter((n) => n > 0).sort((a, b) => a - b);
  if (dialect === 'sqlite') {
    await db.updateTable('staff_users').set({ disabled_at: sql`disabled_at` }).where('id', 'in', ids.length ? ids : [-1]).execute();
    return;
  }
  if (!ids.length) return;
  const rows = db.selectFrom('staff_users').select('id').where('id', 'in', ids).orderBy('id');
  await (mode === 'change' ? rows.forUpdate() : rows.forShare()).execute();
}

/** Staff users, roles, sessions, audit log and assignments (migration 0008). */
export function staffStore(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): StaffStore {
  // A change to a role, team or account waits for assignments that rely on it (and they for it).
  const changing = (userId: string, write: (trx: Kysely<Database>) => Promise<unknown>) =>
    inTransaction(db, async (trx) => {
      await lockUsers(trx, dialect, [userId], 'change');
      await write(trx);
    });

  async function withRoles(rows: UserRow[]): Promise<StaffUser[]> {
    if (!rows.length) return [];
    const roles = await db.selectFrom('staff_roles').select(['user_id', 'jurisdiction_id', 'role', 'service_groups', 'team']).where('user_id', 'in', rows.map((r) => r.id)).orderBy('jurisdiction_id').execute();
    return rows.map((r) => ({
      id: String(r.id),
      email: r.email,
      name: r.name,
      passwordHash: opt(r.password_hash),
      totpSecret: opt(r.totp_secret),
      failedAttempts: Number(r.failed_attempts),
      lockedUntil: r.locked_until === null ? undefined : new Date(Number(r.locked_until)),
      createdAt: new Date(Number(r.created_at)),
      disabledAt: r.disabled_at === null ? undefined : new Date(Number(r.disabled_at)),
      lastSignInAt: r.last_sign_in_at === null || r.last_sign_in_at === undefined ? undefined : new Date(Number(r.last_sign_in_at)),
      roles: roles.filter((x) => Number(x.user_id) === Number(r.id)).map((x) => ({ jurisdictionId: x.jurisdiction_id, role: x.role as Role, ...groupsOf(x.service_groups), ...(x.team ? { team: x.team } : {}) })),
    }));
  }
  const one = async (rows: UserRow[]) => (await withRoles(rows))[0];
  const users = () => db.selectFrom('staff_users').selectAll();

  return {
    transaction: (lock, work) =>
      inTransaction(db, async (trx) => {
        await lockUsers(trx, dialect, lock.users, lock.mode);
        return work(staffStore(trx, dialect));
      }),

    users: {
      async create(input) {
        const row = await db
          .insertInto('staff_users')
          .values({ email: input.email, name: input.name, failed_attempts: 0, created_at: input.createdAt.getTime() })
          .returningAll()
          .executeTakeFirstOrThrow();
        return (await one([row]))!;
      },
      get: async (id) => one(await users().where('id', '=', num(id)).execute()),
      byEmail: async (email) => one(await users().where('email', '=', email).execute()),
      bySetupToken: async (hash, now) => one(await users().where('setup_token_hash', '=', hash).where('setup_expires_at', '>', now.getTime()).execute()),
      async list(jurisdictionId) {
        let q = users();
        if (jurisdictionId) q = q.where('id', 'in', db.selectFrom('staff_roles').select('user_id').where('jurisdiction_id', '=', jurisdictionId));
        return withRoles(await q.orderBy('name').orderBy('id').execute());
      },
      async setRole(userId, jurisdictionId, role, at, groups) {
        const service_groups = groups?.length ? JSON.stringify([...new Set(groups)].sort()) : null;
        // Without `groups`, a change of role keeps the service groups the role had.
        await changing(userId, (trx) =>
          trx
            .insertInto('staff_roles')
            .values({ user_id: num(userId), jurisdiction_id: jurisdictionId, role, granted_at: at.getTime(), service_groups })
            .onConflict((oc) => oc.columns(['user_id', 'jurisdiction_id']).doUpdateSet({ role, granted_at: at.getTime(), ...(groups === undefined ? {} : { service_groups }) }))
            .execute(),
        );
      },
      async setTeam(userId, jurisdictionId, team) {
        await changing(userId, (trx) => trx.updateTable('staff_roles').set({ team: team ?? null }).where('user_id', '=', num(userId)).where('jurisdiction_id', '=', jurisdictionId).execute());
      },
      async removeRole(userId, jurisdictionId) {
        await changing(userId, (trx) => trx.deleteFrom('staff_roles').where('user_id', '=', num(userId)).where('jurisdiction_id', '=', jurisdictionId).execute());
      },
      async setDisabled(userId, at) {
        await changing(userId, (trx) => trx.updateTable('staff_users').set({ disabled_at: at ? at.getTime() : null }).where('id', '=', num(userId)).execute());
      },
      async recordSignIn(userId, at) {
        await db.updateTable('staff_users').set({ last_sign_in_at: at.getTime() }).where('id', '=', num(userId)).execute();
      },
      async setSetupToken(userId, tokenHash, expiresAt) {
        await db.updateTable('staff_users').set({ setup_token_hash: tokenHash, setup_expires_at: expiresAt.getTime() }).where('id', '=', num(userId)).execute();
      },
      async setPassword(userId, passwordHash) {
        await db
          .updateTable('staff_users')
          .set({ password_hash: passwordHash, setup_token_hash: null, setup_expires_at: null, failed_attempts: 0, locked_until: null })
          .where('id', '=', num(userId))
          .execute();
      },
      async setTotpSecret(userId, secret) {
        await db.updateTable('staff_users').set({ totp_secret: secret ?? null }).where('id', '=', num(userId)).execute();
      },
      async recordFailure(userId, now, rule) {
        // One statement, so concurrent failures are each counted and the max-th locks.
        const reached = sql<boolean>`failed_attempts + 1 >= ${rule.max}`;
        const row = await db
          .updateTable('staff_users')
          .set({
            failed_attempts: sql`case when ${reached} then 0 else failed_attempts + 1 end`,
            locked_until: sql`case when ${reached} then ${now.getTime() + rule.lockMs} else locked_until end`,
          })
          .where('id', '=', num(userId))
          .returning(['locked_until', 'failed_attempts'])
          .executeTakeFirst();
        const until = row?.locked_until === null || row?.locked_until === undefined ? undefined : Number(row.locked_until);
        return until !== undefined && Number(row!.failed_attempts) === 0 && until > now.getTime() ? new Date(until) : undefined;
      },
      async clearFailures(userId) {
        await db.updateTable('staff_users').set({ failed_attempts: 0, locked_until: null }).where('id', '=', num(userId)).execute();
      },
    },

    sessions: {
      async get(id, now) {
        const row = await db.selectFrom('staff_sessions').selectAll().where('id', '=', id).where('expires_at', '>', now.getTime()).executeTakeFirst();
        return (
          row && {
            userId: row.user_id === null ? undefined : String(row.user_id),
            data: JSON.parse(row.data) as Record<string, unknown>,
            createdAt: new Date(Number(row.created_at)),
            expiresAt: new Date(Number(row.expires_at)),
          }
        );
      },
      async put(id, s) {
        const values = { id, user_id: s.userId ? num(s.userId) : null, data: JSON.stringify(s.data), created_at: s.createdAt.getTime(), expires_at: s.expiresAt.getTime() };
        await db
          .insertInto('staff_sessions')
          .values(values)
          .onConflict((oc) => oc.column('id').doUpdateSet({ user_id: values.user_id, data: values.data, expires_at: values.expires_at }))
          .execute();
      },
      async delete(id) {
        await db.deleteFrom('staff_sessions').where('id', '=', id).execute();
      },
      async deleteForUser(userId) {
        await db.deleteFrom('staff_sessions').where('user_id', '=', num(userId)).execute();
      },
      async purgeExpired(now) {
        const r = await db.deleteFrom('staff_sessions').where('expires_at', '<=', now.getTime()).executeTakeFirst();
        return Number(r.numDeletedRows);
      },
    },

    audit: {
      async append(e) {
        const row = await db
          .insertInto('staff_audit')
          .values({
            at: (e.at ?? new Date()).getTime(),
            jurisdiction_id: e.jurisdictionId ?? null,
            user_id: e.userId ? num(e.userId) : null,
            actor: e.actor,
            action: e.action,
            request_id: e.requestId ? num(e.requestId) : null,
            before: e.before ?? null,
            after: e.after ?? null,
            reason: e.reason ?? null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return auditFromRow(row);
      },
      async list(f) {
        let q = db.selectFrom('staff_audit').selectAll();
        q = f.requestId ? q.where('request_id', '=', num(f.requestId)).where('jurisdiction_id', '=', f.jurisdictionId) : q.where('jurisdiction_id', '=', f.jurisdictionId);
        if (f.actions?.length) q = q.where('action', 'in', f.actions);
        if (f.actor) q = q.where('actor', '=', f.actor);
        if (f.serviceCodes) {
          const codes = f.serviceCodes;
          const inScope = db.selectFrom('service_requests').select('id').where('jurisdiction_id', '=', f.jurisdictionId).where('service_code', 'in', codes.length ? codes : ['']);
          q = q.where((eb) => eb.or([eb('request_id', 'is', null), eb('request_id', 'in', inScope)]));
        }
        if (f.before) q = q.where('id', '<', num(f.before));
        return (await q.orderBy('id', 'desc').limit(f.limit).execute()).map(auditFromRow);
      },
    },

    assignments: {
      async get(jurisdictionId, requestId) {
        const row = await db.selectFrom('request_assignments').select('user_id').where('request_id', '=', num(requestId)).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
        return row?.user_id ? String(row.user_id) : undefined;
      },
      async of(jurisdictionId, requestId) {
        const row = await db.selectFrom('request_assignments').select(['user_id', 'team']).where('request_id', '=', num(requestId)).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
        return row ? assigneeOf(row) : undefined;
      },
      async forRequests(jurisdictionId, requestIds) {
        const ids = requestIds.map(num).filter((n) => n > 0);
        if (!ids.length) return new Map();
        const rows = await db.selectFrom('request_assignments').select(['request_id', 'user_id', 'team']).where('jurisdiction_id', '=', jurisdictionId).where('request_id', 'in', ids).execute();
        return new Map(rows.map((r) => [String(r.request_id), assigneeOf(r)]));
      },
      async set(jurisdictionId, requestId, to, at) {
        return inTransaction(db, async (trx) => {
          const rid = num(requestId);
          // PostgreSQL: the request row locked first, so a case's assignee changes one at a time and `before` is what this replaced.
          const ofRequest = trx.selectFrom('service_requests').select('service_code').where('id', '=', rid);
          const request = await (dialect === 'postgres' ? ofRequest.forNoKeyUpdate() : ofRequest).executeTakeFirst();
          const row = await trx.selectFrom('request_assignments').select(['user_id', 'team']).where('request_id', '=', rid).executeTakeFirst();
          if (!to) await trx.deleteFrom('request_assignments').where('request_id', '=', rid).execute();
          else {
            const values = { request_id: rid, jurisdiction_id: jurisdictionId, user_id: to.userId ? num(to.userId) : null, team: to.team ?? null, assigned_at: at.getTime() };
            await trx.insertInto('request_assignments').values(values).onConflict((oc) => oc.column('request_id').doUpdateSet({ user_id: values.user_id, team: values.team, assigned_at: values.assigned_at })).execute();
          }
          const was = row ? assigneeOf(row) : undefined;
          // The `assigned` event commits with the change, or not at all (it names officers; a team alone is nobody there).
          if (request) await insertEvents(trx, assignedEvents({ jurisdictionId, serviceCode: request.service_code, requestId: String(rid), before: was?.userId, after: to?.userId, at }));
          return was;
        });
      },
      async heldBy(jurisdictionId, userId, closed: readonly Status[]) {
        const rows = await db
          .selectFrom('request_assignments as a')
          .innerJoin('service_requests as r', 'r.id', 'a.request_id')
          .select(['a.request_id', 'a.team', 'r.service_code'])
          .where('a.jurisdiction_id', '=', jurisdictionId)
          .where('a.user_id', '=', num(userId))
          .where('r.status', 'not in', closed.length ? [...closed] : [''])
          .orderBy('a.request_id')
          .execute();
        return rows.map((r) => ({ requestId: String(r.request_id), serviceCode: r.service_code, ...(r.team ? { team: r.team } : {}) }));
      },
      async handOver(jurisdictionId, requestId, fromUserId, to, at) {
        return inTransaction(db, async (trx) => {
          const rid = num(requestId);
          // The request row first, as `set` does: one change of a case's assignee at a time, in one lock order.
          const ofRequest = trx.selectFrom('service_requests').select('service_code').where('id', '=', rid);
          const request = await (dialect === 'postgres' ? ofRequest.forNoKeyUpdate() : ofRequest).executeTakeFirst();
          // Only while the case is still theirs: a supervisor who reassigned it meanwhile keeps their choice.
          const still = await trx.selectFrom('request_assignments').select('request_id').where('request_id', '=', rid).where('jurisdiction_id', '=', jurisdictionId).where('user_id', '=', num(fromUserId)).executeTakeFirst();
          if (!still) return false;
          if (!to) await trx.deleteFrom('request_assignments').where('request_id', '=', rid).execute();
          else await trx.updateTable('request_assignments').set({ user_id: to.userId ? num(to.userId) : null, team: to.team ?? null, assigned_at: at.getTime() }).where('request_id', '=', rid).execute();
          if (request) await insertEvents(trx, assignedEvents({ jurisdictionId, serviceCode: request.service_code, requestId: String(rid), before: fromUserId, after: to?.userId, at }));
          return true;
        });
      },
    },

    views: {
      async list(userId, jurisdictionId) {
        const rows = await db.selectFrom('staff_saved_views').selectAll().where('user_id', '=', num(userId)).where('jurisdiction_id', '=', jurisdictionId).orderBy('name').execute();
        return rows.map(viewFromRow);
      },
      async save(v) {
        const values = { user_id: num(v.userId), jurisdiction_id: v.jurisdictionId, name: v.name, query: v.query, created_at: v.createdAt.getTime() };
        const row = await db
          .insertInto('staff_saved_views')
          .values(values)
          .onConflict((oc) => oc.columns(['user_id', 'jurisdiction_id', 'name']).doUpdateSet({ query: v.query }))
          .returningAll()
          .executeTakeFirstOrThrow();
        return viewFromRow(row);
      },
      async remove(userId, jurisdictionId, id) {
        const r = await db.deleteFrom('staff_saved_views').where('id', '=', num(id)).where('user_id', '=', num(userId)).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      },
    },

    duplicates: {
      async originalOf(jurisdictionId, requestId) {
        const row = await db.selectFrom('request_duplicates').select('original_id').where('request_id', '=', num(requestId)).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
        return row ? String(row.original_id) : undefined;
      },
      async of(jurisdictionId, originalId) {
        const rows = await db.selectFrom('request_duplicates').select('request_id').where('original_id', '=', num(originalId)).where('jurisdiction_id', '=', jurisdictionId).orderBy('linked_at').orderBy('request_id').execute();
        return rows.map((r) => String(r.request_id));
      },
    },
  };
}

const assigneeOf = (r: { user_id: number | null; team: string | null }): Assignee =>
  r.user_id ? { userId: String(r.user_id), ...(r.team ? { team: r.team } : {}) } : { team: r.team ?? '' };

const groupsOf = (json: string | null): { groups?: string[] } => {
  if (!json) return {};
  const list = JSON.parse(json) as string[];
  return list.length ? { groups: list } : {};
};

const viewFromRow = (r: Selectable<Database['staff_saved_views']>): SavedView => ({
  id: String(r.id),
  userId: String(r.user_id),
  jurisdictionId: r.jurisdiction_id,
  name: r.name,
  query: r.query,
  createdAt: new Date(Number(r.created_at)),
});

function auditFromRow(r: Selectable<Database['staff_audit']>): AuditEntry {
  return {
    id: String(r.id),
    at: new Date(Number(r.at)),
    jurisdictionId: opt(r.jurisdiction_id),
    userId: r.user_id === null ? undefined : String(r.user_id),
    actor: r.actor,
    action: r.action,
    requestId: r.request_id === null ? undefined : String(r.request_id),
    before: opt(r.before),
    after: opt(r.after),
    reason: opt(r.reason),
  };
}
