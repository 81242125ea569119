import { parseArgs } from 'node:util';
import { EXIT, UsageError, jurisdictionFor, unknownSubcommand, type CliContext, type ExitCode } from './context.ts';
import { ensurePatternKey } from '../patterns/sharing/keys.ts';
import { boundsFrom, fetchAll, subscribe } from '../patterns/sharing/subscriptions.ts';
import { compareVersions, latest } from '../patterns/semver.ts';
import { findPattern, parseRef } from '../patterns/lifecycle.ts';
import { adoptFromFeed, applyUpdate, availableUpdates, previewUpdate, type ChangeSummary } from '../patterns/sharing/follow.ts';
import { alikeCouncils } from '../patterns/sharing/alike.ts';
import { adoptedBy, formatChain, provenanceChain } from '../patterns/sharing/provenance.ts';
import { formatChanges } from '../patterns/diff.ts';
import { asServicePattern, type ServicePattern } from '../patterns/schema.ts';
import type { Resolutions } from '../core/patterns/merge.ts';

/** `npx pipework patterns …` for sharing with other councils (docs/service-patterns.md, "Sharing with other councils"). */
export const SHARING_USAGE = [
  'patterns keys [--jurisdiction J]                 (makes the signing key once; prints the public key last)',
  'patterns subscribe URL [--jurisdiction J]',
  'patterns unsubscribe ID',
  'patterns subscriptions [--jurisdiction J]',
  'patterns fetch [--jurisdiction J]                (every subscribed feed, now)',
  'patterns seen [--jurisdiction J] [--publisher P] (versions kept from feeds)',
  'patterns refusals [--jurisdiction J]',
  'patterns adopt ID[@VERSION] --from PUBLISHER [--jurisdiction J] [--code SERVICE_CODE]   (a version seen in a feed)',
  'patterns updates [--jurisdiction J]              (adopted patterns whose source published a newer version)',
  'patterns update ID [--to VERSION] [--resolve PATH=source|local]… [--publish] [--jurisdiction J]',
  'patterns alike LGSL_CODE [--jurisdiction J]',
  'patterns show ID[@VERSION] [--from PUBLISHER] [--jurisdiction J]',
];

export const SHARING_SUBCOMMANDS = new Set(['keys', 'subscribe', 'unsubscribe', 'subscriptions', 'fetch', 'seen', 'refusals', 'updates', 'update', 'alike', 'show']);

/** `patterns adopt … --from P` takes a version seen in a feed; without --from, adopt stays the library's own. */
export const isSharingCall = (sub: string | undefined, rest: string[]) =>
  !!sub && (SHARING_SUBCOMMANDS.has(sub) || (sub === 'adopt' && rest.some((a) => a === '--from' || a.startsWith('--from='))));

const when = (d?: Date) => (d ? d.toISOString() : 'never');

export async function runSharing(sub: string, rest: string[], ctx: CliContext): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      jurisdiction: { type: 'string' }, publisher: { type: 'string' }, from: { type: 'string' }, code: { type: 'string' },
      to: { type: 'string' }, resolve: { type: 'string', multiple: true }, publish: { type: 'boolean' },
    },
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
    case 'adopt': {
      const { id, version } = parseRef(positionals[0] ?? '');
      if (positionals.length !== 1 || !id || !values.from) throw new UsageError('patterns adopt ID[@VERSION] --from PUBLISHER');
      const j = await jurisdictionFor(ctx, values.jurisdiction);
      const r = await adoptFromFeed(store, j, values.from, id, { version, serviceCode: values.code });
      const o = r.pattern.provenance.derived_from!;
      ctx.out(`${j}: ${id}@${r.pattern.version} (from ${o.publisher}/${o.id}@${o.version}, ${r.pattern.provenance.licence}) is published; service ${r.serviceCode} follows it.`);
      return EXIT.ok;
    }
    case 'updates': {
      const j = await jurisdictionFor(ctx, values.jurisdiction);
      const all = await availableUpdates(store, j);
      for (const u of all) {
        ctx.out(`${u.id}@${u.local} (from ${u.origin.publisher}/${u.origin.id}@${u.origin.version}): ${u.origin.publisher} published ${u.newest.version} on ${u.newest.publishedAt}`);
        for (const line of summaryLines(u.againstLocal)) ctx.out(`  ${line}`);
      }
      if (!all.length) ctx.out('No adopted pattern has a newer version at its source.');
      return EXIT.ok;
    }
    case 'update': {
      if (positionals.length !== 1) throw new UsageError('patterns update needs one pattern ID');
      const j = await jurisdictionFor(ctx, values.jurisdiction);
      const resolutions: Resolutions = {};
      for (const r of values.resolve ?? []) {
        const m = /^(.+)=(source|local)$/.exec(r);
        if (!m) throw new UsageError(`--resolve ${r}: write PATH=source or PATH=local`);
        resolutions[m[1]] = m[2] as 'source' | 'local';
      }
      const p = await previewUpdate(store, j, positionals[0], { to: values.to, resolutions });
      ctx.out(`${p.id}: ${p.local} (from ${p.base}) + source ${p.source} → ${p.version}: ${p.changes.length} change(s), ${p.conflicts.length} conflict(s)`);
      for (const line of formatChanges(p.changes)) ctx.out(line);
      for (const c of p.conflicts) ctx.out(`! conflict ${c.path}: source ${JSON.stringify(c.source)}, local ${JSON.stringify(c.local)}, was ${JSON.stringify(c.base)}   (--resolve '${c.path}=source|local')`);
      if (!values.publish) {
        ctx.out(p.conflicts.length ? 'Preview only: resolve each conflict, then add --publish.' : `Preview only: add --publish to publish ${p.id}@${p.version}.`);
        return p.conflicts.length ? EXIT.failed : EXIT.ok;
      }
      if (p.conflicts.length) {
        ctx.err(`Not published: ${p.conflicts.length} conflict(s) to resolve first.`);
        return EXIT.failed;
      }
      const done = await applyUpdate(store, j, positionals[0], { to: values.to, resolutions });
      ctx.out(`${j}: ${done.id}@${done.version} is published${done.services.length ? `; service(s) ${done.services.join(', ')} follow it` : ''}. Requests already made keep their version.`);
      return EXIT.ok;
    }
    case 'alike': {
      const code = Number(positionals[0]);
      if (positionals.length !== 1 || !Number.isInteger(code) || code < 1) throw new UsageError('patterns alike needs one LGSL code (a whole number)');
      const j = await jurisdictionFor(ctx, values.jurisdiction);
      const r = await alikeCouncils(store, j, code);
      ctx.out(`LGSL ${code}: ${r.councils.length} council(s) in subscribed feeds${r.mine ? `; ${j} runs ${r.mine.id}@${r.mine.version}` : `; ${j} runs no pattern for it`}`);
      for (const c of r.councils) {
        ctx.out(`${c.publisher} (${c.publisherName})\t${c.id}@${c.version}${c.running ? ' running' : ''}\tquestions ${c.sameQuestions ? 'same' : `${Math.round(c.questionOverlap * 100)}% shared`}\tprocess ${c.sameProcess ? 'same' : 'differs'}`);
      }
      return EXIT.ok;
    }
    case 'show': {
      const { id, version } = parseRef(positionals[0] ?? '');
      if (positionals.length !== 1 || !id) throw new UsageError('patterns show needs one ID[@VERSION]');
      const j = await jurisdictionFor(ctx, values.jurisdiction);
      const names = new Map((await store.jurisdictions.list()).map((x) => [x.id, x.name]));
      let doc: ServicePattern;
      let publisher = j;
      let name = names.get(j);
      let url: string | undefined;
      if (values.from) {
        const seen = latest((await store.patternSharing.seenVersions({ jurisdictionId: j, publisherId: values.from, id })).filter((v) => !version || v.version === version));
        if (!seen) throw new UsageError(`No ${values.from}/${id}${version ? `@${version}` : ''} seen in ${j}'s subscribed feeds`);
        [doc, publisher, name, url] = [asServicePattern(seen.document as never), values.from, seen.publisherName, seen.url];
      } else doc = asServicePattern((await findPattern(store, j, id, version)).document);
      ctx.out(`${doc.id}@${doc.version} (${doc.lifecycle ?? 'draft'}): ${doc.name}`);
      ctx.out(`publisher: ${doc.provenance.publisher}; licence: ${doc.provenance.licence}${doc.provenance.adopted_by ? `; adopted by ${doc.provenance.adopted_by.jurisdiction_id} at ${doc.provenance.adopted_by.adopted_at}` : ''}`);
      ctx.out(`provenance: ${formatChain(await provenanceChain(store, j, doc, publisher, name, url))}`);
      const by = await adoptedBy(store, j, publisher, doc.id, doc.version);
      if (by.length) ctx.out(`adopted by: ${by.map((b) => `${b.publisher}/${b.id}@${b.version}`).join(', ')}`);
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

/** A change summary as a few lines: questions first, then process, targets, retention. */
export function summaryLines(s: ChangeSummary): string[] {
  const out: string[] = [];
  if (s.questions.added.length) out.push(`questions added: ${s.questions.added.join(', ')}`);
  if (s.questions.removed.length) out.push(`questions removed: ${s.questions.removed.join(', ')}`);
  if (s.questions.changed.length) out.push(`questions changed: ${s.questions.changed.join(', ')}`);
  if (s.process.length) out.push(`process changed: ${s.process.join(', ')}`);
  if (s.targets.length) out.push(`targets changed: ${s.targets.join(', ')}`);
  if (s.retention.length) out.push(`retention changed: ${s.retention.join(', ')}`);
  if (s.other.length) out.push(`also changed: ${s.other.join(', ')}`);
  return out.length ? out : ['no differences'];
}
