import type { Config } from '../config/schema.ts';
import type { Store } from '../core/store.ts';
import { openStore } from '../store/index.ts';

/** What every command gets: configuration, output streams, and the store opened on demand. */
export interface CliContext {
  config: Config;
  out: (line: string) => void;
  err: (line: string) => void;
  store: () => Promise<Store>;
}

/** A user mistake on the command line: printed without a stack trace, exit code 64 (EX_USAGE). */
export class UsageError extends Error {}

export interface Command {
  usage: string;
  summary: string;
  run(args: string[], ctx: CliContext): Promise<number | void>;
}

export function contextFor(config: Config, out = (l: string) => process.stdout.write(l + '\n'), err = (l: string) => process.stderr.write(l + '\n')) {
  let opened: Promise<Store> | undefined;
  const ctx: CliContext = { config, out, err, store: () => (opened ??= openStore(config.databaseUrl, { secretKey: config.secretKey, previousSecretKeys: config.secretKeysPrevious })) };
  const close = async () => opened && (await (await opened).close());
  return { ctx, close };
}

/** Which jurisdiction: --jurisdiction, or the only one there is. */
export async function jurisdictionFor(ctx: CliContext, requested: string | undefined): Promise<string> {
  const all = await (await ctx.store()).jurisdictions.list();
  if (requested) {
    if (!all.some((j) => j.id === requested)) throw new UsageError(`No jurisdiction "${requested}". Known: ${all.map((j) => j.id).join(', ') || 'none'}`);
    return requested;
  }
  if (all.length === 1) return all[0].id;
  throw new UsageError(`Say which jurisdiction with --jurisdiction (known: ${all.map((j) => j.id).join(', ') || 'none'})`);
}
