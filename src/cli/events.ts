import { parseArgs } from 'node:util';
import { PipeworkError } from '../core/errors.ts';
import { createSubscription } from '../events/admin.ts';
import { pushUntilStopped } from '../events/start.ts';
import { EXIT, UsageError, noArguments, unknownSubcommand, type Command } from './context.ts';

const list = (s?: string) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

export const events: Command = {
  usage: ['events subscribe URL [--types T1,T2] [--council ID] [--from SEQ]', 'events subscriptions', 'events push'],
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'subscribe') {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { types: { type: 'string' }, council: { type: 'string', multiple: true }, from: { type: 'string' } } });
      if (positionals.length !== 1) throw new UsageError('events subscribe needs one URL, e.g. events subscribe https://crm.example.gov.uk/pipework-events');
      if (values.from !== undefined && !/^[1-9]\d*$/.test(values.from)) throw new UsageError('--from must be a sequence number (1 or more)');
      const store = await ctx.store();
      try {
        const s = await createSubscription(store, { url: positionals[0], types: list(values.types), councils: values.council?.flatMap((c) => list(c) ?? []), from: values.from ? Number(values.from) : undefined });
        ctx.out(`Subscribed ${s.url} as ${s.id}, from event ${s.cursor + 1}. It gets events once it answers the web-hook handshake.`);
        ctx.out(`Signing secret (Standard Webhooks; store it now, it is not shown again):`);
        ctx.out(s.secret);
      } catch (err) {
        if (err instanceof PipeworkError && err.code === 'INVALID_INPUT') throw new UsageError(err.problems.map((p) => p.message).join('; '));
        throw err;
      }
      return EXIT.ok;
    }
    if (sub === 'subscriptions') {
      noArguments(rest);
      const all = await (await ctx.store()).subscriptions.list();
      if (!all.length) ctx.out('No subscriptions. Add one with: npx pipework events subscribe URL');
      for (const s of all) ctx.out(`${s.id}\t${s.state}\t${s.url}\tafter ${s.cursor}\t${s.types.join(',') || 'all types'}\t${s.councils.join(',') || 'all councils'}${s.lastError ? `\t${s.lastError}` : ''}`);
      return EXIT.ok;
    }
    if (sub === 'push') {
      noArguments(rest);
      const store = await ctx.store();
      // A long-running process logs as `serve` does: JSON lines at LOG_LEVEL.
      const { default: Fastify } = await import('fastify');
      const log = Fastify({ logger: { level: ctx.config.logLevel } }).log;
      await pushUntilStopped(ctx.config, store, log);
      return EXIT.ok;
    }
    throw unknownSubcommand('events', sub);
  },
};
