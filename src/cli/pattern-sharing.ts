import { parseArgs } from 'node:util';
import { EXIT, UsageError, jurisdictionFor, unknownSubcommand, type CliContext, type ExitCode } from './context.ts';
import { ensurePatternKey } from '../patterns/sharing/keys.ts';
import { boundsFrom, fetchAll, subscribe } from '../patterns/sharing/subscriptions.ts';
import { compareVersions } from '../patterns/semver.ts';

/** `npx pipework patterns …` for sharing with other councils (docs/service-patterns.md, "Sharing with other councils"). */
export const SHARING_USAGE = [
  'patterns keys [--jurisdiction J]                 (makes the signing key once; prints the public key last)',
  'patterns subscribe URL [--jurisdiction J]',
  'patterns unsubscribe ID',
  'patterns subscriptions [--jurisdiction J]',
  'patterns fetch [--jurisdiction J]                (every subscribed feed, now)',
  'patterns seen [--jurisdiction J] [--publisher P] (versions kept from feeds)',
  'patterns refusals [--jurisdiction J]',
];

export const SHARING_SUBCOMMANDS = new Set(['keys', 'subscribe', 'unsubscribe', 'subscriptions', 'fetch', 'seen', 'refusals']);

const when = (d?: Date) => (d ? d.toISOString() : 'never');

export async function runSharing(sub: string, rest: string[], ctx: CliContext): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { jurisdiction: { type: 'string' }, publisher: { type: 'string' } },
  });
  const store = await ctx.store();
  switch (sub) {
    case 'keys': {
      if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
      const j = await jurisdictionFor(ctx, values.jurisdiction);
      const { key, created } = await ensurePatternKey(store, j);
      ctx.out(created ? `Made ${j}'s pattern signing key ${key.keyId} (Ed25519); its published patterns are now in /patterns/feed.json.` : `${j} already has signing key ${key.keyId} (Ed25519), made ${key.createdAt.toISOString()}.`);
      if (!ctx.config.secretKey) ctx.err('PIPEWORK_SECRET_KEY is not set: the private key is stored unsealed.');
      ctx.out(key.publicKey);
      return EXIT.ok;
    }
    case 'subscribe': {
      if (positionals.length !== 1) throw new UsageError('patterns subscribe needs one URL (another install\'s /patterns/feed.json)');
      const j = await jurisdictionFor(ctx, values.jurisdiction);
      const s = await subscribe(store, j, positionals[0]);
      ctx.out(`${j} subscribes to ${s.url} (subscription ${s.id}).`);
      const [r] = await fetchAll(store, boundsFrom(ctx.config), j).then((all) => all.filter((x) => x.subscriptionId === s.id));
      return report(ctx, r ? [r] : []);
    }
    case 'unsubscribe': {
      if (positionals.length !== 1) throw new UsageError('patterns unsubscribe needs one subscription ID');
      if (!(await store.patternSharing.unsubscribe(positionals[0]))) {
        ctx.err(`No pattern feed subscription ${positionals[0]}.`);
        return EXIT.failed;
      }
      ctx.out(`Unsubscribed ${positionals[0]}; the versions already seen are kept.`);
      return EXIT.ok;
    }
    case 'subscriptions': {
      const j = await jurisdictionFor(ctx, values.jurisdiction);
      const all = await store.patternSharing.subscriptions(j);
      for (const s of all) ctx.out(`${s.id}\t${s.url}\tlast fetched ${when(s.lastFetchedAt)}${s.lastError ? `\tfailing: ${s.lastError}` : ''}\tpublishers: ${Object.keys(s.publishers).join(', ') || 'none yet'}`);
      if (!all.length) ctx.out(`${j} subscribes to no pattern feeds.`);
      return EXIT.ok;
    }
    case 'fetch': {
      if (positionals.length) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
      const j = values.jurisdiction ? await jurisdictionFor(ctx, values.jurisdiction) : undefined;
      return report(ctx, await fetchAll(store, boundsFrom(ctx.config), j));
    }
    case 'seen': {
      const j = await jurisdictionFor(ctx, values.jurisdiction);
      const all = (await store.patternSharing.seenVersions({ jurisdictionId: j, publisherId: values.publisher })).sort(
        (a, b) => a.publisherId.localeCompare(b.publisherId) || a.id.localeCompare(b.id) || compareVersions(a.version, b.version),
      );
      for (const v of all) ctx.out(`${v.publisherId}/${v.id}@${v.version}\t${v.licence}\t${v.publisherName}${v.running ? '\trunning' : ''}`);
      if (!all.length) ctx.out('No versions seen in subscribed feeds yet.');
      return EXIT.ok;
    }
    case 'refusals': {
      const j = await jurisdictionFor(ctx, values.jurisdiction);
      const all = await store.patternSharing.refusals(j);
      for (const r of all) ctx.out(`${r.lastAt.toISOString()}\t${r.ref}\t${r.reason}\t${r.detail}${r.count > 1 ? ` (${r.count} times)` : ''}`);
      if (!all.length) ctx.out('Nothing refused.');
      return EXIT.ok;
    }
    default:
      throw unknownSubcommand('patterns', sub);
  }
}

/** One line per feed; a failed fetch or any refusal makes the exit code 1, so a cron job notices. */
function report(ctx: CliContext, reports: Awaited<ReturnType<typeof fetchAll>>): ExitCode {
  let failed = false;
  for (const r of reports) {
    if (r.error) {
      failed = true;
      ctx.err(`${r.url}: not fetched: ${r.error}`);
      continue;
    }
    ctx.out(`${r.url}: ${r.added.length} new version(s), ${r.unchanged} unchanged, ${r.refused.length} refused`);
    for (const a of r.added) ctx.out(`+ ${a}`);
    for (const x of r.refused) {
      failed = true;
      ctx.err(`refused ${x.ref} (${x.reason}): ${x.detail}`);
    }
  }
  if (!reports.length) ctx.out('No pattern feed subscriptions.');
  return failed ? EXIT.failed : EXIT.ok;
}
