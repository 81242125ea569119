import { parseArgs } from 'node:util';
import { createApiKey } from '../core/access/api-keys.ts';
import { UsageError, type Command } from './context.ts';

export const keys: Command = {
  usage: 'keys create --name NAME [--admin] | keys list | keys revoke ID_OR_NAME',
  summary: 'API keys for Open311 clients (only a hash is stored; the key is shown once)',
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const store = await ctx.store();
    if (sub === 'create') {
      const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, admin: { type: 'boolean' } } });
      if (!values.name?.trim()) throw new UsageError('keys create needs --name NAME, e.g. --name fixmystreet');
      const { key, record } = await createApiKey(store, values.name, values.admin ? 'admin' : 'client');
      ctx.out(`Created key ${record.id} "${record.name}". Store it now: it is not shown again.`);
      ctx.out(key);
      return;
    }
    if (sub === 'list') {
      const all = await store.apiKeys.list();
      if (!all.length) ctx.out('No keys. Create one with: npx pipework keys create --name NAME');
      for (const k of all) {
        ctx.out(`${k.id}\t${k.name}\t${k.scope}\t${k.prefix}…\tcreated ${k.createdAt.toISOString()}\t${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}`);
      }
      return;
    }
    if (sub === 'revoke') {
      if (!rest[0]) throw new UsageError('keys revoke needs the id or name of a key (see keys list)');
      if (!(await store.apiKeys.revoke(rest[0]))) {
        ctx.err(`No active key "${rest[0]}".`);
        return 1;
      }
      ctx.out(`Revoked ${rest[0]}.`);
      return;
    }
    throw new UsageError(`Usage: pipework ${this.usage}`);
  },
};
