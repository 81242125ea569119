import { EXIT, UsageError, type Command } from './context.ts';

export const secrets: Command = {
  usage: ['secrets rotate'],
  async run(args, ctx) {
    if (args[0] !== 'rotate' || args.length !== 1) throw new UsageError(args[0] === 'rotate' ? `Unexpected argument "${args[1]}"` : 'secrets needs the sub-command rotate');
    if (!ctx.config.secretKey) throw new UsageError('Set PIPEWORK_SECRET_KEY to the new key (and PIPEWORK_SECRET_KEY_PREVIOUS to the old one) first');
    const store = await ctx.store();
    // Reading opens each secret with whichever key sealed it; saving seals it again with the current key.
    const all = await store.routing.backends();
    for (const b of all) await store.routing.saveBackend({ name: b.name, kind: b.kind, config: b.config }, 'secrets rotate');
    const subscriptions = await store.subscriptions.resealSecrets();
    const patternKeys = await store.patternSharing.resealKeys();
    ctx.out(`Re-sealed the secrets of ${all.length} back-end(s), ${subscriptions} event subscription(s) and ${patternKeys} pattern signing key(s) with the current key. PIPEWORK_SECRET_KEY_PREVIOUS may now be removed.`);
    return EXIT.ok;
  },
};
