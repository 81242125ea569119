import { parseArgs } from 'node:util';
import { createApiKey } from '../core/access/api-keys.ts';
import { EXIT, UsageError, unknownSubcommand, type Command } from './context.ts';

export const keys: Command = {
  usage: ['keys create --name NAME [--admin]', 'keys list', 'keys revoke ID'],
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'create') {
      const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, admin: { type: 'boolean' } } });
      if (!values.name?.trim()) throw new UsageError('keys create needs --name NAME, e.g. --name fixmystreet');
      const { key, record } = await createApiKey(await ctx.store(), values.name, values.admin ? 'admin' : 'client');
      ctx.out(`Created key ${record.id} "${record.name}". Store it now: it is not shown again.`);
      ctx.out(key);
      return EXIT.ok;
    }
    if (sub === 'list') {
      parseArgs({ args: rest, options: {} });
      const all = await (await ctx.store()).apiKeys.list();
      if (!all.length) ctx.out('No keys. Create one with: npx pipework keys create --name NAME');
      for (const k of all) {
        ctx.out(`${k.id}\t${k.name}\t${k.scope}\t${k.prefix}…\tcreated ${k.createdAt.toISOString()}\t${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}`);
      }
      return EXIT.ok;
    }
    if (sub === 'revoke') {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 1) throw new UsageError('keys revoke needs the ID of one key (see keys list)');
      const [id] = positionals;
      const store = await ctx.store();
      // By id only: during a rotation the old and the new key may share a name.
      if (!/^\d+$/.test(id)) {
        const named = (await store.apiKeys.list()).filter((k) => k.name === id && !k.revokedAt);
        throw new UsageError(
          named.length
            ? `keys revoke takes a key's ID, not its name. Active keys named "${id}": ${named.map((k) => `${k.id} (created ${k.createdAt.toISOString()})`).join(', ')}`
            : `keys revoke takes a key's ID (see keys list); no active key is named "${id}" either`,
        );
      }
      if (!(await store.apiKeys.revoke(Number(id)))) {
        ctx.err(`No active key with ID ${id} (see keys list).`);
        return EXIT.failed;
      }
      ctx.out(`Revoked key ${id}.`);
      return EXIT.ok;
    }
    throw unknownSubcommand('keys', sub);
  },
};
