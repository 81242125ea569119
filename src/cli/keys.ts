import { parseArgs } from 'node:util';
import { createApiKey, revokeApiKey, rotateApiKey, MAX_GRACE_HOURS } from '../core/access/api-keys.ts';
import { EXIT, UsageError, unknownSubcommand, type Command } from './context.ts';

export const keys: Command = {
  usage: ['keys create --name NAME [--admin] [--council ID]', 'keys list', 'keys revoke ID', 'keys rotate ID [--grace-hours N]'],
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'create') {
      const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, admin: { type: 'boolean' }, council: { type: 'string' } } });
      if (!values.name?.trim()) throw new UsageError('keys create needs --name NAME, e.g. --name fixmystreet');
      const { key, record } = await createApiKey(await ctx.store(), values.name, values.admin ? 'admin' : 'client', { jurisdictionId: values.council, actor: { by: 'cli' } });
      ctx.out(`Created key ${record.id} "${record.name}"${record.jurisdictionId ? ` for ${record.jurisdictionId}` : ''}. Store it now: it is not shown again.`);
      ctx.out(key);
      return EXIT.ok;
    }
    if (sub === 'list') {
      parseArgs({ args: rest, options: {} });
      const all = await (await ctx.store()).apiKeys.list();
      if (!all.length) ctx.out('No keys. Create one with: npx pipework keys create --name NAME');
      for (const k of all) {
        const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : k.expiresAt ? `${k.expiresAt > new Date() ? 'works until' : 'expired'} ${k.expiresAt.toISOString()} (rotated to ${k.replacedBy})` : 'active';
        ctx.out(`${k.id}\t${k.name}\t${k.scope}\t${k.prefix}…\tcreated ${k.createdAt.toISOString()}\t${state}\t${k.jurisdictionId ?? 'all councils'}`);
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
      if (!(await revokeApiKey(store, Number(id), { by: 'cli' }))) {
        ctx.err(`No active key with ID ${id} (see keys list).`);
        return EXIT.failed;
      }
      ctx.out(`Revoked key ${id}.`);
      return EXIT.ok;
    }
    if (sub === 'rotate') {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { 'grace-hours': { type: 'string' } } });
      if (positionals.length !== 1 || !/^\d+$/.test(positionals[0])) throw new UsageError('keys rotate needs the ID of one key (see keys list), e.g. keys rotate 3 --grace-hours 24');
      const grace = values['grace-hours'] ?? '24';
      if (!/^\d+(\.\d+)?$/.test(grace) || Number(grace) > MAX_GRACE_HOURS) throw new UsageError(`--grace-hours must be a number of hours from 0 to ${MAX_GRACE_HOURS}, got "${grace}"`);
      const { key, record, old } = await rotateApiKey(await ctx.store(), Number(positionals[0]), Number(grace), { by: 'cli' });
      ctx.out(`Rotated key ${old.id} "${old.name}" to key ${record.id}. ${old.expiresAt ? `The old key works until ${old.expiresAt.toISOString()}.` : 'The old key no longer works.'} Store the new key now: it is not shown again.`);
      ctx.out(key);
      return EXIT.ok;
    }
    throw unknownSubcommand('keys', sub);
  },
};
