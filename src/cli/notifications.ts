import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { PipeworkError } from '../core/errors.ts';
import { systemClock } from '../core/clock.ts';
import { setMessageTemplate } from '../core/notifications/manage-templates.ts';
import { TEMPLATE_FIELDS } from '../core/notifications/templates.ts';
import { EXIT, UsageError, jurisdictionFor, unknownSubcommand, type Command } from './context.ts';

const common = { service: { type: 'string' }, jurisdiction: { type: 'string' } } as const;

/** `npx pipework notifications templates …`: a council's own words for residents' messages (docs/notifications.md). */
export const notifications: Command = {
  usage: [
    'notifications templates [--jurisdiction J]',
    'notifications templates set KIND CHANNEL LANG [--service S] [--subject TEXT] (--body TEXT | --body-file FILE) [--jurisdiction J]',
    'notifications templates remove KIND CHANNEL LANG [--service S] [--jurisdiction J]',
  ],
  async run(args, ctx) {
    const [what, sub, ...rest] = args;
    if (what !== 'templates') throw unknownSubcommand('notifications', what);
    if (sub !== undefined && !sub.startsWith('--') && sub !== 'set' && sub !== 'remove') throw unknownSubcommand('notifications templates', sub);
    const store = await ctx.store();
    const by = `cli:${process.env.USER ?? 'operator'}`;
    if (sub === undefined || sub.startsWith('--')) {
      const { values } = parseArgs({ args: sub ? [sub, ...rest] : rest, options: { jurisdiction: { type: 'string' } } });
      const j = await jurisdictionFor(ctx, values.jurisdiction);
      const all = await store.messageTemplates.list(j);
      if (!all.length) ctx.out(`No templates in ${j}: every message uses Pipework's own words and the patterns' status labels. Fields: ${TEMPLATE_FIELDS.map((f) => `((${f}))`).join(' ')}`);
      for (const t of all) ctx.out(`${t.serviceCode || '(every service)'}\t${t.kind}\t${t.channel}\t${t.language}\t${t.subject ?? ''}\t${t.body.replace(/\s+/g, ' ').slice(0, 60)}`);
      return EXIT.ok;
    }
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...common, subject: { type: 'string' }, body: { type: 'string' }, 'body-file': { type: 'string' } } });
    if (positionals.length !== 3) throw new UsageError(`notifications templates ${sub} needs KIND CHANNEL LANG, e.g. status email cy`);
    const [kind, channel, language] = positionals;
    const j = await jurisdictionFor(ctx, values.jurisdiction);
    if (sub === 'remove') {
      const gone = await store.messageTemplates.remove({ jurisdictionId: j, serviceCode: values.service ?? '', kind: kind as never, channel: channel as never, language: language as never });
      if (!gone) {
        ctx.err(`No ${kind} ${channel} template in ${language} for ${values.service ?? 'every service'} in ${j}.`);
        return EXIT.failed;
      }
      ctx.out(`Removed: ${kind} ${channel} messages in ${language} use Pipework's own words again.`);
      return EXIT.ok;
    }
    if ((values.body === undefined) === (values['body-file'] === undefined)) throw new UsageError('give the text as --body TEXT or --body-file FILE (one of them)');
    let body = values.body ?? '';
    if (values['body-file']) {
      try {
        body = readFileSync(values['body-file'], 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read ${values['body-file']}: ${(e as Error).message}`);
      }
    }
    try {
      const t = await setMessageTemplate(store, j, { serviceCode: values.service, kind, channel, language, subject: values.subject, body }, by, systemClock);
      ctx.out(`Saved: ${t.kind} ${t.channel} messages in ${t.language} for ${t.serviceCode || 'every service'} in ${j} use this template.`);
      return EXIT.ok;
    } catch (err) {
      if (err instanceof PipeworkError && err.code === 'INVALID_INPUT') throw new UsageError(err.problems.map((p) => p.message).join('; '));
      throw err;
    }
  },
};
