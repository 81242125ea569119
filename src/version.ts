import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** Pipework's version, from package.json (read once, on first use). */
export function pipeworkVersion(): string {
  return (cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version);
}
