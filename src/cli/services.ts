import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { mergeServiceFile, toServiceFile } from '../core/services/service-file.ts';
import type { Service } from '../core/services/service.ts';
import { EXIT, UsageError, jurisdictionFor, unknownSubcommand, type Command } from './context.ts';

/** Reads a YAML or JSON document; a syntax error is reported with its line, not thrown. */
export async function readDocument(file: string): Promise<{ doc?: unknown; error?: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { error: `${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  try {
    return { doc: file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text) };
  } catch (e) {
    return { error: `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}` };
  }
}

export const services: Command = {
  usage: ['services import FILE… [--jurisdiction J] [--replace]   (merges into existing services; --replace takes each file entry as the whole definition)', 'services export [--jurisdiction J] [--format yaml|json]'],
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { jurisdiction: { type: 'string' }, format: { type: 'string', default: 'yaml' }, replace: { type: 'boolean', default: false } },
    });
    const store = await ctx.store();
    if (sub === 'import') {
      if (!positionals.length) throw new UsageError('services import needs at least one FILE');
      const jurisdictionId = await jurisdictionFor(ctx, values.jurisdiction);
      let failed = false;
      const all: Service[] = [];
      const existing = await store.services.list(jurisdictionId);
      for (const file of positionals) {
        const { doc, error } = await readDocument(file);
        if (error) {
          ctx.err(error);
          failed = true;
          continue;
        }
        // A later file merges into what an earlier one in the same run set.
        const current = existing.map((e) => [...all].reverse().find((s) => s.code === e.code) ?? e).concat(all.filter((s) => !existing.some((e) => e.code === s.code)));
        const { services, problems } = mergeServiceFile(doc, jurisdictionId, current, values.replace);
        for (const p of problems) ctx.err(`${file}: ${p.message}`);
        failed ||= problems.length > 0;
        all.push(...services);
      }
      // All or nothing: a council never ends up with half a catalogue.
      if (failed) {
        ctx.err('Nothing was imported.');
        return EXIT.failed;
      }
      const known = new Set(existing.map((s) => s.code));
      for (const s of all) await store.services.upsert(s);
      const changed = all.filter((s) => known.has(s.code)).length;
      ctx.out(`Imported ${all.length} service(s) into ${jurisdictionId} (${all.length - changed} new, ${changed} ${values.replace ? 'replaced' : 'merged'}).`);
      return EXIT.ok;
    }
    if (sub === 'export') {
      if (values.format !== 'yaml' && values.format !== 'json') throw new UsageError('--format must be yaml or json');
      const jurisdictionId = await jurisdictionFor(ctx, values.jurisdiction);
      const doc = { services: toServiceFile(await store.services.list(jurisdictionId)) };
      ctx.out(values.format === 'json' ? JSON.stringify(doc, null, 2) : YAML.stringify(doc).trimEnd());
      return EXIT.ok;
    }
    throw unknownSubcommand('services', sub);
  },
};
