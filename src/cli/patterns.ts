import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EXIT, UsageError, jurisdictionFor, unknownSubcommand, type CliContext, type Command } from './context.ts';
import { describeProblem, readPatternFile, toYaml } from '../patterns/files.ts';
import { findPattern, importPatterns, parseRef, publishPattern } from '../patterns/lifecycle.ts';
import { adoptPattern } from '../patterns/adopt.ts';
import { diffPatterns, formatChanges } from '../patterns/diff.ts';
import { exportDocument, exportPattern } from '../patterns/export.ts';
import { starterPattern } from '../patterns/library.ts';
import { compareVersions } from '../patterns/semver.ts';
import type { ServicePattern } from '../patterns/schema.ts';
import { SHARING_USAGE, isSharingCall, runSharing } from './pattern-sharing.ts';

/** Reads every file; prints every problem with file, line and path; returns the patterns only if all are valid. */
async function readAll(ctx: CliContext, files: string[]): Promise<ServicePattern[] | undefined> {
  const patterns: ServicePattern[] = [];
  let failed = false;
  for (const file of files) {
    const r = await readPatternFile(file);
    for (const p of r.problems) ctx.err(describeProblem(file, p));
    failed ||= r.problems.length > 0;
    patterns.push(...r.patterns);
  }
  return failed ? undefined : patterns;
}

/** A side of a diff: a file (when it looks like one) or ID@VERSION in the library (or the starter library). */
async function side(ctx: CliContext, ref: string, jurisdiction: string | undefined): Promise<ServicePattern> {
  if (/\.(ya?ml|json)$/i.test(ref)) {
    const patterns = await readAll(ctx, [ref]);
    if (!patterns) throw new UsageError(`${ref} is not a valid pattern file`);
    if (patterns.length !== 1) throw new UsageError(`${ref} holds ${patterns.length} patterns; diff compares one with one`);
    return patterns[0];
  }
  const { id, version } = parseRef(ref);
  const store = await ctx.store();
  const j = await jurisdictionFor(ctx, jurisdiction).catch(() => undefined);
  if (j) {
    const found = await findPattern(store, j, id, version).catch(() => undefined);
    if (found) return exportPattern(found);
  }
  const starter = await starterPattern(id, version);
  if (starter) return starter;
  throw new UsageError(`No pattern ${ref}${j ? ` in ${j}'s library` : ''} or in the starter library`);
}

export const patterns: Command = {
  usage: [
    'patterns validate FILE…',
    'patterns import FILE… [--jurisdiction J]',
    'patterns export ID[@VERSION]… [--jurisdiction J] [--format yaml|json] [--out FILE]',
    "patterns diff A [B] [--jurisdiction J]      (A, B: FILE or ID@VERSION; no B: A's origin)",
    'patterns adopt ID[@VERSION] [--jurisdiction J] [--code SERVICE_CODE]',
    'patterns publish ID@VERSION [--jurisdiction J]',
    'patterns list [--jurisdiction J]',
    ...SHARING_USAGE,
  ],
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (isSharingCall(sub, rest)) return runSharing(sub!, rest, ctx);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { jurisdiction: { type: 'string' }, format: { type: 'string', default: 'yaml' }, out: { type: 'string' }, code: { type: 'string' } },
    });
    switch (sub) {
      case 'validate': {
        if (!positionals.length) throw new UsageError('patterns validate needs at least one FILE');
        const ok = await readAll(ctx, positionals);
        if (!ok) return EXIT.failed;
        ctx.out(`${ok.length} pattern(s) valid: ${ok.map((p) => `${p.id}@${p.version}`).join(', ')}`);
        return EXIT.ok;
      }
      case 'import': {
        if (!positionals.length) throw new UsageError('patterns import needs at least one FILE');
        const all = await readAll(ctx, positionals);
        // All or nothing: a council never ends up with half a bundle.
        if (!all) {
          ctx.err('Nothing was imported.');
          return EXIT.failed;
        }
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const done = await importPatterns(await ctx.store(), j, all);
        for (const d of done) ctx.out(`${d.id}@${d.version} (${d.lifecycle}): ${d.outcome}`);
        ctx.out(`Imported ${done.length} pattern(s) into ${j}'s library.`);
        return EXIT.ok;
      }
      case 'export': {
        if (!positionals.length) throw new UsageError('patterns export needs ID[@VERSION]');
        if (values.format !== 'yaml' && values.format !== 'json') throw new UsageError('--format must be yaml or json');
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const store = await ctx.store();
        const found = [];
        for (const ref of positionals) {
          const { id, version } = parseRef(ref);
          found.push(await findPattern(store, j, id, version));
        }
        const doc = exportDocument(found, { name: `${j} service patterns`, publisher: j });
        const text = values.format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : toYaml(doc);
        if (values.out) {
          await writeFile(values.out, text);
          ctx.out(`Wrote ${found.length} pattern(s) to ${values.out}.`);
        } else ctx.out(text.trimEnd());
        return EXIT.ok;
      }
      case 'diff': {
        if (positionals.length < 1 || positionals.length > 2) throw new UsageError('patterns diff needs A and B, or A alone to compare with its origin');
        const a = await side(ctx, positionals[0], values.jurisdiction);
        let b: ServicePattern;
        let from = a;
        if (positionals.length === 2) b = await side(ctx, positionals[1], values.jurisdiction);
        else {
          const origin = a.provenance.derived_from;
          if (!origin) throw new UsageError(`${a.id}@${a.version} has no provenance.derived_from to compare with; give B`);
          from = await side(ctx, `${origin.id}@${origin.version}`, values.jurisdiction);
          b = a;
        }
        const changes = formatChanges(diffPatterns(from, b));
        ctx.out(`${from.id}@${from.version} → ${b.id}@${b.version}: ${changes.length ? `${changes.length} change(s)` : 'no changes'}`);
        for (const line of changes) ctx.out(line);
        return EXIT.ok;
      }
      case 'adopt': {
        if (positionals.length !== 1) throw new UsageError('patterns adopt needs one ID[@VERSION]');
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const { id, version } = parseRef(positionals[0]);
        const s = await adoptPattern(await ctx.store(), j, id, { version, serviceCode: values.code });
        ctx.out(`${j}: service ${s.code} now follows ${s.pattern!.id}@${s.pattern!.version}.`);
        return EXIT.ok;
      }
      case 'publish': {
        const { id, version } = parseRef(positionals[0] ?? '');
        if (!id || !version || positionals.length !== 1) throw new UsageError('patterns publish needs one ID@VERSION');
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        await publishPattern(await ctx.store(), j, id, version);
        ctx.out(`${id}@${version} is published in ${j}'s library; it will not change again.`);
        return EXIT.ok;
      }
      case 'list': {
        const j = await jurisdictionFor(ctx, values.jurisdiction);
        const all = (await (await ctx.store()).patterns.list(j)).sort((x, y) => x.id.localeCompare(y.id) || compareVersions(x.version, y.version));
        for (const p of all) ctx.out(`${p.id}@${p.version}\t${p.lifecycle}\t${p.document.name}`);
        if (!all.length) ctx.out(`${j}'s library is empty.`);
        return EXIT.ok;
      }
      default:
        throw unknownSubcommand('patterns', sub);
    }
  },
};
