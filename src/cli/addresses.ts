import { parseArgs } from 'node:util';
import { EXIT, UsageError, unknownSubcommand, type Command } from './context.ts';

export const addresses: Command = {
  usage: ['addresses import FILE [--replace]', 'addresses count'],
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { replace: { type: 'boolean' } } });
    if (sub === 'import') {
      if (positionals.length !== 1) throw new UsageError('addresses import needs one FILE (a gazetteer CSV with UPRN, ADDRESS or STREET, POSTCODE, EASTING, NORTHING)');
      const { importGazetteer, GazetteerFileError } = await import('../addresses/import.ts');
      const { existsSync } = await import('node:fs');
      if (!existsSync(positionals[0])) throw new UsageError(`No file ${positionals[0]}`);
      const store = await ctx.store();
      if (values.replace) await store.addresses.clear();
      try {
        const r = await importGazetteer(positionals[0], store.addresses);
        for (const p of r.problems) ctx.err(`line ${p.line}: ${p.message}`);
        if (r.skipped > r.problems.length) ctx.err(`… and ${r.skipped - r.problems.length} more skipped line(s)`);
        ctx.out(`Imported ${r.imported} address(es)${r.skipped ? `, skipped ${r.skipped}` : ''}; ${await store.addresses.count()} in the gazetteer.`);
        return r.imported || !r.skipped ? EXIT.ok : EXIT.failed;
      } catch (err) {
        if (!(err instanceof GazetteerFileError)) throw err;
        ctx.err(err.message);
        return EXIT.failed;
      }
    }
    if (sub === 'count') {
      noMore(positionals);
      ctx.out(String(await (await ctx.store()).addresses.count()));
      return EXIT.ok;
    }
    throw unknownSubcommand('addresses', sub);
  },
};

const noMore = (p: string[]) => {
  if (p.length) throw new UsageError(`Unexpected argument ${p[0]}`);
};
