import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { applyRetention, erasePerson, exportPerson, findPerson } from '../core/records/records.ts';
import { systemClock } from '../core/clock.ts';
import { renderExportHtml } from '../records/export-html.ts';
import { UsageError, jurisdictionFor, type Command } from './context.ts';

const person = { email: { type: 'string' }, phone: { type: 'string' }, jurisdiction: { type: 'string' } } as const;

export const records: Command = {
  usage: 'records find|export|erase --email E|--phone P … | records retention [--dry-run] | records hold ID --reason R | records release ID | records requests',
  summary: "A person's records (subject access, erasure), retention by each service's pattern, and legal holds",
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const store = await ctx.store();
    const by = `cli:${process.env.USER ?? 'operator'}`;
    switch (sub) {
      case 'find': {
        const { values } = parseArgs({ args: rest, options: person });
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const found = await findPerson(store, j, values);
        if (!found.requests.length) ctx.out('Nothing held about that person.');
        for (const r of found.requests) ctx.out(`${r.request.id}\t${r.request.serviceCode}\t${r.request.status}\t${r.request.requestedAt.toISOString()}\t${r.history.length} update(s)`);
        return;
      }
      case 'export': {
        const { values } = parseArgs({ args: rest, options: { ...person, format: { type: 'string', default: 'json' }, out: { type: 'string' } } });
        if (values.format !== 'json' && values.format !== 'html') throw new UsageError('--format is json or html');
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const found = await exportPerson(store, j, values, by, systemClock);
        const text = values.format === 'html' ? renderExportHtml(found) : JSON.stringify(found, null, 2);
        if (values.out) {
          writeFileSync(values.out, text);
          ctx.out(`Wrote ${found.requests.length} request(s) to ${values.out}. Answer due by ${found.access.dueAt.toISOString().slice(0, 10)} (request ${found.access.id}).`);
        } else ctx.out(text);
        return;
      }
      case 'erase': {
        const { values } = parseArgs({ args: rest, options: { ...person, yes: { type: 'boolean' } } });
        if (!values.yes) throw new UsageError('Erasure cannot be undone: add --yes to anonymise every request about this person');
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const done = await erasePerson(store, j, values, by, systemClock);
        ctx.out(`Anonymised ${done.requestIds.length} request(s) (erasure ${done.id}).`);
        return;
      }
      case 'retention': {
        const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean' }, jurisdiction: { type: 'string' } } });
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const summary = await applyRetention(store, j, { dryRun: !!values['dry-run'], clock: systemClock });
        const verb = summary.dryRun ? 'would' : '';
        if (!summary.services.length) ctx.out(`Nothing is due${summary.dryRun ? ' (dry run)' : ''}.`);
        for (const s of summary.services) ctx.out(`${s.serviceCode}: ${verb ? 'would erase' : 'erased'} contact details of ${s.contactErased.length}, ${verb ? 'would anonymise' : 'anonymised'} ${s.anonymised.length} (rule: contact ${s.rule.contactAfterClosure}, record ${s.rule.anonymiseAfterClosure})`);
        return;
      }
      case 'hold':
      case 'release': {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { reason: { type: 'string' }, jurisdiction: { type: 'string' } } });
        if (positionals.length !== 1) throw new UsageError(`records ${sub} needs one request ID`);
        if (sub === 'hold' && !values.reason?.trim()) throw new UsageError('records hold needs --reason, e.g. --reason "claim 2026/114"');
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        if (!(await store.records.setHold(j, positionals[0], sub === 'hold' ? values.reason!.trim() : undefined))) {
          ctx.err(`No request ${positionals[0]} in ${j}.`);
          return 1;
        }
        ctx.out(sub === 'hold' ? `Request ${positionals[0]} is on legal hold: retention leaves it alone.` : `Legal hold lifted on request ${positionals[0]}.`);
        return;
      }
      case 'requests': {
        const { values } = parseArgs({ args: rest, options: { jurisdiction: { type: 'string' } } });
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        for (const r of await store.records.accessRequests(j)) ctx.out(`${r.id}\t${r.kind}\t${r.email ?? r.phone}\treceived ${r.receivedAt.toISOString().slice(0, 10)}\tdue ${r.dueAt.toISOString().slice(0, 10)}\t${r.requestIds.length} request(s)`);
        return;
      }
      default:
        throw new UsageError(`Usage: pipework ${this.usage}`);
    }
  },
};
