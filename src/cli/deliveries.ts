import { parseArgs } from 'node:util';
import { EXIT, UsageError, unknownSubcommand, type Command } from './context.ts';
import type { Delivery } from '../core/delivery/outbox.ts';
import { rerouteDeliveries } from '../core/delivery/reroute.ts';

const STATES = ['pending', 'in_flight', 'delivered', 'dead', 'failed'];
const line = (d: Delivery) =>
  [d.id, d.state, `request ${d.requestId}`, `${d.backend}/${d.role}`, d.kind, `attempts ${d.attempts}`, d.externalRef ? `ref ${d.externalRef}` : '', d.lastError ? `last error: ${d.lastError}` : '']
    .filter(Boolean)
    .join('\t');

export const deliveries: Command = {
  usage: ['deliveries list [--state S] [--backend B] [--request ID] [--limit N]', 'deliveries show ID', 'deliveries retry ID', 'deliveries retry --all-failed', 'deliveries reroute --from OLD --to NEW [--jurisdiction J]   (jobs stuck on a back-end that has gone away)', 'deliveries codes [--backend B]'],
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { from: { type: 'string' }, to: { type: 'string' }, jurisdiction: { type: 'string' }, state: { type: 'string' }, backend: { type: 'string' }, request: { type: 'string' }, limit: { type: 'string' }, 'all-failed': { type: 'boolean' } },
    });
    const [sub, id] = positionals;
    const store = await ctx.store();
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw new UsageError(`--limit must be a whole number from 1 to 10000, got "${values.limit}"`);
    if (sub === 'list') {
      if (values.state && !STATES.includes(values.state)) throw new UsageError(`--state must be one of ${STATES.join(', ')}, got "${values.state}"`);
      // "failed" is what operators call a dead-lettered job.
      const state = (values.state === 'failed' ? 'dead' : values.state) as Delivery['state'] | undefined;
      const list = await store.deliveries.list({ state, backend: values.backend, requestId: values.request, limit });
      if (!list.length) ctx.out('No deliveries match.');
      for (const d of list) ctx.out(line(d));
      return EXIT.ok;
    }
    if (sub === 'show') {
      if (!id) throw new UsageError('deliveries show needs a delivery ID (see deliveries list)');
      const d = await store.deliveries.get(id);
      if (!d) {
        ctx.err(`No delivery ${id}.`);
        return EXIT.failed;
      }
      ctx.out(line(d));
      ctx.out(`idempotency key ${d.idempotencyKey}; created ${d.createdAt.toISOString()}${d.deliveredAt ? `; delivered ${d.deliveredAt.toISOString()}` : `; next due ${d.dueAt.toISOString()}`}`);
      for (const a of await store.deliveries.attempts(id)) ctx.out(`  ${a.startedAt.toISOString()}\t${a.outcome}\t${a.finishedAt.getTime() - a.startedAt.getTime()} ms\t${a.worker}${a.error ? `\t${a.error}` : ''}`);
      return EXIT.ok;
    }
    if (sub === 'retry') {
      if (values['all-failed']) {
        ctx.out(`Queued ${await store.deliveries.retryAllDead()} failed deliveries again.`);
        return EXIT.ok;
      }
      if (!id) throw new UsageError('deliveries retry needs a delivery ID, or --all-failed');
      const d = await store.deliveries.get(id);
      if (!d) {
        ctx.err(`No delivery ${id}.`);
        return EXIT.failed;
      }
      if (!(await store.deliveries.retry(id))) {
        ctx.err(`Delivery ${id} is ${d.state}; only a failed (dead-lettered) delivery can be retried.`);
        return EXIT.failed;
      }
      ctx.out(`Queued delivery ${id} again; the relay sends it shortly.`);
      return EXIT.ok;
    }
    if (sub === 'reroute') {
      if (!values.from || !values.to) throw new UsageError('deliveries reroute needs --from OLD --to NEW, e.g. deliveries reroute --from old-crm --to streets');
      const { moved, skipped } = await rerouteDeliveries(store, { from: values.from, to: values.to, jurisdictionId: values.jurisdiction });
      ctx.out(`Re-routed ${moved} deliveries from ${values.from} to ${values.to}${skipped ? `; ${skipped} left where they are (in flight, shadow copies, or already held by one of the two)` : ''}.`);
      return EXIT.ok;
    }
    if (sub === 'codes') {
      const events = await store.deliveries.events({ backend: values.backend, unknownOnly: true, limit: 100_000 });
      const counts = new Map<string, number>();
      for (const e of events) counts.set(`${e.backend}\t${e.externalCode}`, (counts.get(`${e.backend}\t${e.externalCode}`) ?? 0) + 1);
      if (!counts.size) ctx.out('Every status code back-ends sent is mapped.');
      for (const [k, n] of counts) ctx.out(`${k}\t${n} report(s)\t(add it to the back-end's statusMap)`);
      return EXIT.ok;
    }
    throw unknownSubcommand('deliveries', sub);
  },
};
