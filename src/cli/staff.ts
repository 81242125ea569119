import { parseArgs } from 'node:util';
import { EXIT, UsageError, jurisdictionFor, unknownSubcommand, type Command } from './context.ts';
import { ROLES, isRole } from '../core/staff/roles.ts';
import { addStaff, issueSetupToken, SETUP_LINK_HOURS } from '../core/staff/setup.ts';
import { normaliseEmail } from '../core/staff/sign-in.ts';
import type { Config } from '../config/schema.ts';
import { FIRST_COUNCIL } from '../core/councils/council.ts';

const base = (config: Config) => config.publicUrl || `http://localhost:${config.port}`;
const link = (config: Config, token: string) => `${base(config)}/staff/set-password/${token}`;

/** --council, or the only council there is. */
const councilFor = (ctx: Parameters<Command['run']>[1], council: string | undefined) =>
  jurisdictionFor(ctx, council).catch((err: Error) => {
    throw err instanceof UsageError ? new UsageError(err.message.replace('--jurisdiction', '--council')) : err;
  });

/** `npx pipework staff`: people who use the staff console at /staff/, their roles, and set-password links. */
export const staff: Command = {
  usage: ['staff add EMAIL --name NAME --role admin|supervisor|officer|agent [--council ID] [--group SERVICE-GROUP]…', 'staff list [--council ID]', 'staff reset EMAIL'],
  async run(args, ctx) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, role: { type: 'string' }, council: { type: 'string' }, group: { type: 'string', multiple: true } } });
    const [sub, email] = positionals;
    const store = await ctx.store();
    if (sub === 'add') {
      if (!email || !values.name?.trim() || !values.role) throw new UsageError('staff add needs EMAIL --name NAME --role ROLE, e.g. staff add kim@example.gov.uk --name "Kim Lee" --role admin');
      if (!isRole(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, got "${values.role}"`);
      // On an empty install the role waits for the first council, which this person can then create at /staff/.
      const first = !values.council && (await store.councils.list()).length === 0;
      const jurisdictionId = first ? FIRST_COUNCIL : await councilFor(ctx, values.council);
      // A role limited to service groups: each must be a group some service of the council is in.
      const groups = values.group ?? [];
      if (groups.length) {
        if (first) throw new UsageError('--group needs a council with services: add the council first');
        const known = new Set((await store.services.list(jurisdictionId)).flatMap((s) => s.groups));
        const unknown = groups.filter((g) => !known.has(g));
        if (unknown.length) throw new UsageError(`--group ${unknown.map((g) => `"${g}"`).join(', ')} is not a service group of ${jurisdictionId} (have: ${[...known].sort().join(', ')})`);
      }
      const { user, token, created } = await addStaff(store, { email, name: values.name, role: values.role, jurisdictionId, groups }, new Date());
      const scope = groups.length ? ` for ${groups.join(', ')}` : '';
      await store.staff.audit.append({ actor: 'cli', action: 'staff.add', jurisdictionId: first ? undefined : jurisdictionId, userId: user.id, after: `${user.email} ${values.role}${scope}` });
      ctx.out(
        first
          ? `Added ${user.name} <${user.email}> as ${values.role} of the first council: there is no council yet${values.role === 'admin' ? `, so once signed in they create it at ${base(ctx.config)}/staff/` : ''}.`
          : `${created ? 'Added' : 'Updated'} ${user.name} <${user.email}> as ${values.role} of ${jurisdictionId}${scope}.`,
      );
      ctx.out(`Send them this link to set their password (it works once, for ${SETUP_LINK_HOURS} hours):`);
      ctx.out(link(ctx.config, token));
      return EXIT.ok;
    }
    if (sub === 'list') {
      const jurisdictionId = values.council ? await councilFor(ctx, values.council) : undefined;
      const users = await store.staff.users.list(jurisdictionId);
      if (!users.length) ctx.out('No staff users. Add one with: npx pipework staff add EMAIL --name NAME --role admin');
      for (const u of users) {
        const roles = u.roles.map((r) => `${r.role}@${r.jurisdictionId === FIRST_COUNCIL ? '(the first council)' : r.jurisdictionId}${r.groups ? `[${r.groups.join('|')}]` : ''}`).join(',');
        const state = u.disabledAt ? 'disabled' : u.lockedUntil && u.lockedUntil > new Date() ? `locked until ${u.lockedUntil.toISOString()}` : u.passwordHash ? 'active' : 'no password yet';
        ctx.out(`${u.id}\t${u.email}\t${u.name}\t${roles}\t${state}${u.totpSecret ? '\ttwo-factor' : ''}`);
      }
      return EXIT.ok;
    }
    if (sub === 'reset') {
      if (!email) throw new UsageError('staff reset needs EMAIL');
      const user = await store.staff.users.byEmail(normaliseEmail(email));
      if (!user) {
        ctx.err(`No staff user "${email}".`);
        return EXIT.failed;
      }
      await store.staff.users.clearFailures(user.id);
      const token = await issueSetupToken(store, user.id, new Date());
      await store.staff.audit.append({ actor: 'cli', action: 'staff.reset', userId: user.id, after: user.email });
      ctx.out(`New set-password link for ${user.email} (works once, for ${SETUP_LINK_HOURS} hours; the account is unlocked):`);
      ctx.out(link(ctx.config, token));
      return EXIT.ok;
    }
    throw unknownSubcommand('staff', sub);
  },
};
