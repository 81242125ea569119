import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EXIT, UsageError, unknownSubcommand, type Command } from './context.ts';
import { importDirectory } from '../standards/openreferral/import.ts';
import { exportDirectory } from '../standards/openreferral/export.ts';

export const directory: Command = {
  usage: ['directory import URL|FILE', 'directory export [--out FILE]'],
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: 'string' } } });
    const store = await ctx.store();
    if (sub === 'import') {
      if (positionals.length !== 1) throw new UsageError('directory import needs one URL or FILE');
      const { problems, saved } = await importDirectory(positionals[0], store.directory);
      for (const p of problems) ctx.err(`${p.path}: ${p.message}`);
      if (!saved) {
        ctx.err(`Nothing was imported (${problems.length} problem${problems.length === 1 ? '' : 's'}).`);
        return EXIT.failed;
      }
      ctx.out(`Imported ${saved.services} service(s), ${saved.organizations} organisation(s), ${saved.locations} location(s), ${saved.taxonomyTerms} taxonomy term(s).`);
      return EXIT.ok;
    }
    if (sub === 'export') {
      const text = JSON.stringify(await exportDirectory(store.directory), null, 2);
      if (values.out) {
        await writeFile(values.out, text + '\n');
        ctx.out(`Wrote ${values.out}.`);
      } else ctx.out(text);
      return EXIT.ok;
    }
    throw unknownSubcommand('directory', sub);
  },
};
