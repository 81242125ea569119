import { parseArgs } from 'node:util';
import { EXIT, UsageError, unknownSubcommand, type Command } from './context.ts';
import { SETTING_FIELDS } from '../core/councils/council.ts';
import { addCouncil, setCouncil, type CouncilChanges } from '../core/councils/manage.ts';

/** `contactEmail` ⇄ `--contact-email`. */
const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const FLAGS: Record<string, keyof CouncilChanges> = {
  name: 'name',
  'welsh-name': 'welshName',
  hosts: 'hosts',
  ...Object.fromEntries(SETTING_FIELDS.map((f) => [kebab(f.key), f.key])),
};
const options = Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }]));

function changesOf(values: Record<string, string | boolean | undefined>): CouncilChanges {
  const changes: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(values)) {
    if (typeof value !== 'string') continue;
    changes[FLAGS[flag]] = flag === 'hosts' ? value.split(',').map((h) => h.trim()).filter(Boolean) : value;
  }
  return changes as CouncilChanges;
}

const settingsHelp = `settings: ${Object.keys(FLAGS).map((f) => `--${f}`).join(', ')} (an empty value clears one)`;

/** `npx pipework councils`: add, change and list the councils this install serves. */
export const councils: Command = {
  usage: [
    'councils add ID --name NAME [--welsh-name NAME] [--hosts HOST,…] [--SETTING VALUE …]  (SETTING as for councils set)',
    `councils set ID --SETTING VALUE …  where SETTING is one of ${Object.keys(FLAGS).join(', ')} (an empty VALUE clears it; --hosts takes HOST,HOST…)`,
    'councils list',
  ],
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'add' || sub === 'set') {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options });
      if (positionals.length !== 1) throw new UsageError(`councils ${sub} needs the council's ID, e.g. councils ${sub} westshire ${sub === 'add' ? '--name "Westshire Council"' : '--welsh-name "Cyngor Westshire"'}`);
      const changes = changesOf(values);
      if (sub === 'add' && !values.name?.trim()) throw new UsageError('councils add needs --name NAME, e.g. --name "Westshire Council"');
      if (sub === 'set' && !Object.keys(changes).length) throw new UsageError(`councils set needs at least one setting to change; ${settingsHelp}`);
      const store = await ctx.store();
      if (sub === 'add') {
        const c = await addCouncil(store, positionals[0], changes, { by: 'cli' });
        ctx.out(`Added council ${c.id} "${c.name}".`);
        if (!(await store.staff.users.list(c.id)).length) ctx.out(`Add its first administrator with: npx pipework staff add EMAIL --name NAME --role admin --council ${c.id}`);
        return EXIT.ok;
      }
      const { changed } = await setCouncil(store, positionals[0], changes, { by: 'cli' });
      ctx.out(changed.length ? `Changed ${changed.join(', ')} of council ${positionals[0]}.` : `Council ${positionals[0]} already had these settings: nothing changed.`);
      return EXIT.ok;
    }
    if (sub === 'list') {
      parseArgs({ args: rest, options: {} });
      const all = await (await ctx.store()).councils.list();
      if (!all.length) ctx.out('No councils. Add one with: npx pipework councils add ID --name NAME (or open /staff/ in a browser)');
      for (const c of all) ctx.out(`${c.id}\t${c.name}\t${c.welshName ?? ''}\t${c.hosts.join(',') || 'any host'}`);
      return EXIT.ok;
    }
    throw unknownSubcommand('councils', sub);
  },
};
