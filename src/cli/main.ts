import { loadConfig, ConfigError } from '../config/load.ts';
import { COMMANDS, type CommandEntry } from './commands.ts';
import { EXIT, UsageError, contextFor, subcommandsOf, unknownSubcommand, type Command, type ExitCode } from './context.ts';
import { PipeworkError } from '../core/errors.ts';

/** A command that keeps the process running (serve) ended its start: the caller must not exit. */
export const RUNNING = 'running';

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return [
    'Usage: npx pipework <command> [arguments]',
    '',
    ...lines,
    '',
    'Run "npx pipework <command> --help" for its arguments. Configuration comes from the environment; see the README.',
    'Exit codes: 0 done, 1 failed, 64 usage mistake, 78 bad configuration.',
  ].join('\n');
}

/** The usage lines of one command, or only of its sub-command when one is named and known. */
function usageOf(name: string, entry: CommandEntry, command: Command, args: string[]): string {
  const sub = args.find((a) => !a.startsWith('-'));
  const own = sub ? command.usage.filter((u) => u === `${name} ${sub}` || u.startsWith(`${name} ${sub} `)) : [];
  const lines = own.length ? own : command.usage;
  return `Usage:\n${lines.map((l) => `  npx pipework ${l}`).join('\n')}${own.length ? '' : `\n\n${entry.summary}`}`;
}

// node:util parseArgs throws these for a flag the command does not know, a missing value, or a stray argument.
const PARSE_ERRORS = new Set(['ERR_PARSE_ARGS_UNKNOWN_OPTION', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL']);
const wantsHelp = (args: string[]) => {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/** Where the command line writes: text as given, newlines included. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}
const processIo: Io = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

/** Runs one command; returns the process exit code, or RUNNING when the command keeps the process alive (serve). */
export async function main(argv: string[], env: Record<string, string | undefined>, io: Io = processIo): Promise<ExitCode | typeof RUNNING> {
  const [name, ...args] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    const entry = args[0] && Object.hasOwn(COMMANDS, args[0]) ? COMMANDS[args[0]] : undefined;
    io.out((entry ? usageOf(args[0], entry, await entry.load(), args.slice(1)) : overview()) + '\n');
    return EXIT.ok;
  }
  if (!name) {
    io.err(overview() + '\n');
    return EXIT.usage;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`Unknown command "${name}".\n\n${overview()}\n`);
    return EXIT.usage;
  }
  const command = await entry.load();
  // Help needs neither configuration nor a database.
  if (wantsHelp(args)) {
    io.out(usageOf(name, entry, command, args) + '\n');
    return EXIT.ok;
  }
  // A missing or mistyped sub-command word is answered before anything is opened: no database is created for it.
  // (When the first word is an option, the command itself decides; some take options before the sub-command.)
  const subcommands = subcommandsOf(command);
  if (subcommands && !args[0]?.startsWith('-') && !subcommands.includes(args[0] ?? '')) {
    io.err(`${unknownSubcommand(name, args[0]).message}\n\n${usageOf(name, entry, command, args)}\n`);
    return EXIT.usage;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(e.message + '\n');
    return EXIT.config;
  }
  const { ctx, close } = contextFor(config, (l) => io.out(l + '\n'), (l) => io.err(l + '\n'));
  try {
    const code = await command.run(args, ctx);
    return command.keepsRunning ? RUNNING : code;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (e instanceof UsageError || (code && PARSE_ERRORS.has(code))) {
      ctx.err(`${(e as Error).message}\n\n${usageOf(name, entry, command, args)}`);
      return EXIT.usage;
    }
    if (e instanceof PipeworkError) {
      ctx.err(e.message);
      return EXIT.failed;
    }
    ctx.err(`pipework ${name} failed: ${(e as Error).message}`);
    return EXIT.failed;
  } finally {
    if (!command.keepsRunning) await close();
  }
}
