import { parseArgs } from 'node:util';
import { EXIT, UsageError, jurisdictionFor, unknownSubcommand, type Command } from './context.ts';
import { actorFor } from './routes.ts';
import { builtinCases, staffUpdate } from '../core/cases/builtin.ts';

/** `npx pipework cases`: the built-in case store from the command line, beside the staff console at /staff/. */
export const cases: Command = {
  usage: ['cases list [--status S] [--limit N] [--jurisdiction J]', 'cases update ID --status S [--note TEXT] [--by WHO] [--jurisdiction J]'],
  async run(args, ctx) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { jurisdiction: { type: 'string' }, status: { type: 'string' }, note: { type: 'string' }, by: { type: 'string' }, limit: { type: 'string' } } });
    const [sub, id] = positionals;
    if (sub !== 'list' && sub !== 'update') throw unknownSubcommand('cases', sub);
    const store = await ctx.store();
    const jurisdictionId = await jurisdictionFor(ctx, values.jurisdiction);
    if (sub === 'list') {
      const limit = Number(values.limit ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000, got "${values.limit}"`);
      const list = await builtinCases(store, jurisdictionId, { status: values.status, limit });
      if (!list.length) ctx.out('No cases in the built-in store match.');
      for (const r of list) ctx.out(`${r.id}\t${r.status}\t${r.serviceCode}\t${r.requestedAt.toISOString()}\t${(r.description ?? '').slice(0, 60)}`);
      return EXIT.ok;
    }
    if (sub === 'update') {
      if (!id || !values.status) throw new UsageError('cases update needs ID --status STATUS, e.g. cases update 42 --status investigating --note "Inspector booked"');
      const u = await staffUpdate(store, jurisdictionId, id, { status: values.status, description: values.note ?? '', by: actorFor(values.by) });
      ctx.out(`Request ${id}: ${u.status}${u.description ? ` — ${u.description}` : ''} (update ${u.id})`);
      return EXIT.ok;
    }
    throw unknownSubcommand('cases', sub);
  },
};
