import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { applyRetention, erasePerson, exportPerson, lookUpPerson, serviceRetention } from '../core/records/records.ts';
import { setRetentionOverride } from '../core/records/overrides.ts';
import { systemClock } from '../core/clock.ts';
import { renderExportHtml } from '../records/export-html.ts';
import { PipeworkError } from '../core/errors.ts';
import { EXIT, UsageError, jurisdictionFor, unknownSubcommand, type Command } from './context.ts';

const person = { email: { type: 'string' }, phone: { type: 'string' }, jurisdiction: { type: 'string' } } as const;

export const records: Command = {
  usage: [
    'records find --email E | --phone P [--jurisdiction J]',
    'records export --email E | --phone P [--format json|html] [--out FILE] [--jurisdiction J]',
    'records erase --email E | --phone P --yes [--jurisdiction J]',
    'records retention [--dry-run] [--jurisdiction J]',
    'records hold ID --reason R [--jurisdiction J]',
    'records release ID [--jurisdiction J]',
    'records requests [--jurisdiction J]',
    'records erasure ID [--jurisdiction J]',
    'records rules [--jurisdiction J]',
    'records override SERVICE [--contact PERIOD] [--anonymise PERIOD] [--reason R] [--jurisdiction J]',
    'records override SERVICE --clear [--jurisdiction J]',
  ],
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const store = await ctx.store();
    const by = `cli:${process.env.USER ?? 'operator'}`;
    switch (sub) {
      case 'find': {
        const { values } = parseArgs({ args: rest, options: person });
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const found = await lookUpPerson(store, j, values, by, systemClock);
        if (!found.requests.length) ctx.out('Nothing held about that person.');
        for (const r of found.requests) ctx.out(`${r.request.id}\t${r.request.serviceCode}\t${r.request.status}\t${r.request.requestedAt.toISOString()}\t${r.history.length} update(s)`);
        return EXIT.ok;
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
        return EXIT.ok;
      }
      case 'erase': {
        const { values } = parseArgs({ args: rest, options: { ...person, yes: { type: 'boolean' } } });
        if (!values.yes) throw new UsageError('Erasure cannot be undone: add --yes to anonymise every request about this person');
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const done = await erasePerson(store, j, values, by, systemClock);
        ctx.out(`Anonymised ${done.requestIds.length} request(s) (erasure ${done.id}). Sent on to each back-end and subscriber: see npx pipework records erasure ${done.id}`);
        return EXIT.ok;
      }
      case 'retention': {
        const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean' }, jurisdiction: { type: 'string' } } });
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const summary = await applyRetention(store, j, { dryRun: !!values['dry-run'], clock: systemClock });
        const verb = summary.dryRun ? 'would' : '';
        if (!summary.services.length) ctx.out(`Nothing is due${summary.dryRun ? ' (dry run)' : ''}.`);
        for (const s of summary.services) ctx.out(`${s.serviceCode}: ${verb ? 'would erase' : 'erased'} contact details of ${s.contactErased.length}, ${verb ? 'would anonymise' : 'anonymised'} ${s.anonymised.length} (rule: contact ${s.rule.contactAfterClosure}, record ${s.rule.anonymiseAfterClosure})`);
        return EXIT.ok;
      }
      case 'hold':
      case 'release': {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { reason: { type: 'string' }, jurisdiction: { type: 'string' } } });
        if (positionals.length !== 1) throw new UsageError(`records ${sub} needs one request ID`);
        if (sub === 'hold' && !values.reason?.trim()) throw new UsageError('records hold needs --reason, e.g. --reason "claim 2026/114"');
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        if (!(await store.records.setHold(j, positionals[0], sub === 'hold' ? values.reason!.trim() : undefined))) {
          ctx.err(`No request ${positionals[0]} in ${j}.`);
          return EXIT.failed;
        }
        ctx.out(sub === 'hold' ? `Request ${positionals[0]} is on legal hold: retention leaves it alone.` : `Legal hold lifted on request ${positionals[0]}.`);
        return EXIT.ok;
      }
      case 'requests': {
        const { values } = parseArgs({ args: rest, options: { jurisdiction: { type: 'string' } } });
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        for (const r of await store.records.accessRequests(j)) ctx.out(`${r.id}\t${r.kind}\t${r.email ?? r.phone}\treceived ${r.receivedAt.toISOString().slice(0, 10)}\tdue ${r.dueAt.toISOString().slice(0, 10)}\t${r.requestIds.length} request(s)`);
        return EXIT.ok;
      }
      case 'erasure': {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { jurisdiction: { type: 'string' } } });
        if (positionals.length !== 1) throw new UsageError('records erasure needs one erasure ID (from records erase or records requests)');
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const access = (await store.records.accessRequests(j)).find((a) => a.id === positionals[0] && a.kind === 'erase');
        if (!access) {
          ctx.err(`No erasure ${positionals[0]} in ${j}.`);
          return EXIT.failed;
        }
        const acks = await store.erasures.acks(access.id);
        ctx.out(`Erasure ${access.id}: ${access.requestIds.length} request(s), received ${access.receivedAt.toISOString().slice(0, 10)}; ${acks.filter((a) => a.state === 'confirmed').length} of ${acks.length} confirmed.`);
        for (const a of acks) ctx.out(`${a.target}\t${a.name}\t${a.requestId ?? 'all'}${a.updateId ? ` comment ${a.updateId}` : ''}\t${a.state}\t${a.ackedAt?.toISOString() ?? ''}\t${a.detail ?? ''}`);
        return EXIT.ok;
      }
      case 'rules': {
        const { values } = parseArgs({ args: rest, options: { jurisdiction: { type: 'string' } } });
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const overrides = new Map((await store.erasures.overrides(j)).map((o) => [o.serviceCode, o]));
        for (const s of await store.services.list(j)) {
          const { rule, override } = await serviceRetention(store, s, overrides.get(s.code));
          ctx.out(`${s.code}\tcontact ${rule.contactAfterClosure}\trecord ${rule.anonymiseAfterClosure}${override ? `\tcouncil override by ${override.by}${override.reason ? `: ${override.reason}` : ''}` : ''}`);
        }
        return EXIT.ok;
      }
      case 'override': {
        const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { contact: { type: 'string' }, anonymise: { type: 'string' }, reason: { type: 'string' }, clear: { type: 'boolean' }, jurisdiction: { type: 'string' } } });
        if (positionals.length !== 1) throw new UsageError('records override needs one service code');
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        if (values.clear) {
          if (!(await store.erasures.clearOverride(j, positionals[0]))) {
            ctx.err(`No override for ${positionals[0]} in ${j}.`);
            return EXIT.failed;
          }
          ctx.out(`${positionals[0]} follows its pattern's retention rule again.`);
          return EXIT.ok;
        }
        try {
          const o = await setRetentionOverride(store, j, { serviceCode: positionals[0], contactAfterClosure: values.contact, anonymiseAfterClosure: values.anonymise, reason: values.reason }, by, systemClock);
          ctx.out(`${o.serviceCode}: ${[o.contactAfterClosure && `contact details ${o.contactAfterClosure}`, o.anonymiseAfterClosure && `record ${o.anonymiseAfterClosure}`].filter(Boolean).join(', ')} after closure (council override).`);
          return EXIT.ok;
        } catch (err) {
          if (err instanceof PipeworkError && err.code === 'INVALID_INPUT') throw new UsageError(err.problems.map((p) => p.message.replaceAll('contact_after_closure', '--contact').replaceAll('anonymise_after_closure', '--anonymise')).join('; '));
          throw err;
        }
      }
      default:
        throw unknownSubcommand('records', sub);
    }
  },
};
