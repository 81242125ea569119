import type { Config } from '../config/schema.ts';
import type { Store } from '../core/store.ts';
import { chooseJurisdiction } from '../core/access/jurisdiction.ts';

/** What every command gets: configuration, output streams, and the store opened (and its drivers loaded) on demand. */
export interface CliContext {
  config: Config;
  out: (line: string) => void;
  err: (line: string) => void;
  store: () => Promise<Store>;
}

/**
 * The exit codes of `npx pipework` (sysexits.h where one fits); the README
 * lists them. A command returns one of these, always: the type refuses
 * `undefined` and the result of a write, which process.exit would reject.
 */
export const EXIT = {
  ok: 0,
  /** The command ran and failed: refused input, nothing found, a check that did not pass. */
  failed: 1,
  /** EX_USAGE: an unknown command, sub-command or flag, or a missing argument. */
  usage: 64,
  /** EX_CONFIG: an environment variable is wrong. */
  config: 78,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A user mistake on the command line: printed without a stack trace, with the usage, exit code 64. */
export class UsageError extends Error {}

export interface Command {
  /** Each way to call it, one line each, starting with the command name; `--help` prints them. */
  usage: string[];
  /** The process lives on after run() returns (serve): nothing is closed and nothing exits. */
  keepsRunning?: true;
  run(args: string[], ctx: CliContext): Promise<ExitCode>;
}

type Print = (line: string) => void;
const stdout: Print = (l) => void process.stdout.write(l + '\n');
const stderr: Print = (l) => void process.stderr.write(l + '\n');

export function contextFor(config: Config, out: Print = stdout, err: Print = stderr) {
  let opened: Promise<Store> | undefined;
  const ctx: CliContext = { config, out, err, store: () => (opened ??= import('../store/index.ts').then((m) => m.openStore(config.databaseUrl, { secretKey: config.secretKey, previousSecretKeys: config.secretKeysPrevious }))) };
  const close = async () => opened && (await (await opened).close());
  return { ctx, close };
}

/** Which jurisdiction: --jurisdiction, or the only one there is (the core decides; this words it for the command line). */
export async function jurisdictionFor(ctx: CliContext, requested: string | undefined): Promise<string> {
  const c = await chooseJurisdiction(await ctx.store(), requested);
  if ('id' in c) return c.id;
  const known = c.known.join(', ') || 'none';
  if (c.problem === 'unknown') throw new UsageError(`No jurisdiction "${c.requested}". Known: ${known}`);
  if (c.problem === 'none') throw new UsageError('No jurisdiction yet: run "npx pipework serve" once (it seeds the demo council) or add one');
  throw new UsageError(`Say which jurisdiction with --jurisdiction J (known: ${known})`);
}

/** For commands that take nothing: a stray argument or flag is a mistake, not something to ignore. */
export function noArguments(args: string[]): void {
  if (args.length) throw new UsageError(`Unexpected argument "${args[0]}"`);
}

/** The sub-commands a command takes, when every one of its usage lines names one (`keys create …`); else none. */
export function subcommandsOf(command: Command): string[] | undefined {
  const words = command.usage.map((line) => line.split(/\s+/)[1] ?? '');
  return words.every((w) => /^[a-z][a-z0-9-]*$/.test(w)) ? [...new Set(words)] : undefined;
}

/** The usage error for a missing or unknown sub-command. */
export const unknownSubcommand = (name: string, sub: string | undefined) =>
  new UsageError(sub ? `Unknown sub-command "${name} ${sub}"` : `${name} needs a sub-command`);
