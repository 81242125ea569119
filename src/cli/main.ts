import { loadConfig, ConfigError } from '../config/load.ts';
import { COMMANDS } from './commands.ts';
import { UsageError, contextFor } from './context.ts';
import { PipeworkError } from '../core/errors.ts';

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(60)} ${c.summary}`);
  return `Usage: npx pipework <command>\n\n${lines.join('\n')}\n\nConfiguration comes from the environment; see the README.`;
}

/** Runs one command; returns the process exit code (-1: keep running, e.g. serve). */
export async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 64;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}\n`);
    return 64;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(e.message + '\n');
    return 78; // EX_CONFIG
  }
  const { ctx, close } = contextFor(config);
  try {
    return (await command.run(args, ctx)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof PipeworkError) {
      ctx.err(e.message);
      return e instanceof UsageError ? 64 : 1;
    }
    if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      ctx.err((e as Error).message);
      return 64;
    }
    ctx.err(`pipework ${name} failed: ${(e as Error).message}`);
    return 1;
  } finally {
    if (name !== 'serve') await close();
  }
}
