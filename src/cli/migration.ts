import { parseArgs } from 'node:util';
import { EXIT, UsageError, jurisdictionFor, type Command } from './context.ts';
import { migrationReport } from '../routing/report.ts';

const ms = (v: number | null) => (v === null ? '-' : v < 10_000 ? `${v} ms` : v < 7_200_000 ? `${Math.round(v / 60_000)} min` : `${(v / 3_600_000).toFixed(1)} h`);

export const migration: Command = {
  usage: ['migration report SERVICE [--jurisdiction J] [--days N] [--json]'],
  async run(args, ctx) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { jurisdiction: { type: 'string' }, days: { type: 'string', default: '30' }, json: { type: 'boolean' } } });
    const [sub, service] = positionals;
    if (sub !== 'report') throw new UsageError(sub ? `Unknown sub-command "migration ${sub}"` : 'migration needs a sub-command');
    if (!service || positionals.length > 2) throw new UsageError('migration report needs one SERVICE code');
    const days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError(`--days must be a whole number from 1 to 3650, got "${values.days}"`);
    const store = await ctx.store();
    const jurisdictionId = await jurisdictionFor(ctx, values.jurisdiction);
    if (!(await store.services.get(jurisdictionId, service))) throw new UsageError(`No service "${service}" in ${jurisdictionId}`);
    const r = await migrationReport(store, jurisdictionId, service, new Date(Date.now() - days * 86_400_000));
    if (values.json) {
      ctx.out(JSON.stringify(r, null, 2));
      return EXIT.ok;
    }
    ctx.out(`${jurisdictionId}/${service}, last ${days} days: ${r.requests} requests, ${r.withoutOwner} without an owning back-end`);
    ctx.out(r.route ? `Route now: primary ${r.route.primary}${r.route.shadow ? `, shadow ${r.route.shadow}` : ''}${r.route.canary ? `, canary ${r.route.canary} ${r.route.canaryPercent}%` : ''}` : 'Route now: none (built-in case store)');
    ctx.out('back-end\troles\tjobs\tdelivered\tpending\tdead\tdelivery p50\tp99\tstatus moved\tclosed\tclose p50\tunknown codes\tsuspected duplicates\treference unknown');
    for (const b of r.backends) {
      const unknown = Object.entries(b.unknownCodes).map(([c, n]) => `${c}×${n}`).join(' ') || '-';
      ctx.out([b.backend, b.roles.join('+'), b.jobs, b.delivered, b.pending, b.dead, ms(b.deliveryMs.p50), ms(b.deliveryMs.p99), b.withStatus, b.closed, ms(b.timeToCloseMs.p50), unknown, b.suspectedDuplicates, b.referenceUnknown].join('\t'));
    }
    const d = r.divergences;
    ctx.out(`Divergences (owner vs shadow): ${d.total} — delivered/not ${d.delivery}, closed/open ${d.closed}, other status ${d.status}`);
    for (const x of d.examples.slice(0, 10)) ctx.out(`  request ${x.requestId}: ${x.kind}: ${x.owner.backend} ${x.owner.state}/${x.owner.status ?? '-'} vs ${x.shadow.backend} ${x.shadow.state}/${x.shadow.status ?? '-'}`);
    for (const c of r.changes.slice(0, 5)) ctx.out(`Change: ${c.action} by ${c.actor} at ${c.at.toISOString()}`);
    return EXIT.ok;
  },
};
