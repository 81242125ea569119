import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readPatternFile, describeProblem } from './files.ts';
import type { ServicePattern } from './schema.ts';

/** The starter library shipped with Pipework: one YAML file per pattern in patterns/library/. */
export const LIBRARY_DIR = fileURLToPath(new URL('../../patterns/library/', import.meta.url));

let cached: Promise<ServicePattern[]> | undefined;

/**
 * Every pattern of the starter library, validated. A file that does not
 * validate is a bug in Pipework itself, so this throws (and a test fails).
 */
export function starterLibrary(): Promise<ServicePattern[]> {
  return (cached ??= load().catch((e) => {
    cached = undefined;
    throw e;
  }));
}

async function load(): Promise<ServicePattern[]> {
  const files = (await readdir(LIBRARY_DIR)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  const out: ServicePattern[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const r = await readPatternFile(join(LIBRARY_DIR, f));
    problems.push(...r.problems.map((p) => describeProblem(f, p)));
    out.push(...r.patterns);
  }
  if (problems.length) throw new Error(`The starter library has invalid patterns:\n${problems.join('\n')}`);
  return out;
}

export async function starterPattern(id: string, version?: string): Promise<ServicePattern | undefined> {
  return (await starterLibrary()).find((p) => p.id === id && (!version || p.version === version));
}
