import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The data flows one way, edge → core → store (DESIGN.md "Where things live"):
// these checks read every import so a new file cannot quietly break that.

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });

/** Every module specifier a file imports or re-exports, with whether the import is type-only. */
export function importsOf(text: string): { spec: string; typeOnly: boolean }[] {
  const found: { spec: string; typeOnly: boolean }[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) found.push({ spec: m[3] ?? m[4], typeOnly: !!m[2] });
  return found;
}

const outside = (file: string, spec: string, folder: string) => spec.startsWith('.') && !resolve(dirname(file), spec).startsWith(resolve(folder) + '/');

test('the core imports nothing outside src/core but node built-ins and type-only TypeBox', () => {
  const wrong: string[] = [];
  for (const file of sources('src/core')) {
    for (const { spec, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
      const allowed = spec.startsWith('node:') || (spec === '@sinclair/typebox' && typeOnly) || (spec.startsWith('.') && !outside(file, spec, 'src/core'));
      if (!allowed) wrong.push(`${relative('.', file)} imports ${spec}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('nothing in src/ outside tests imports from test/', () => {
  const wrong = sources('src').flatMap((file) =>
    importsOf(readFileSync(file, 'utf8'))
      .filter(({ spec }) => spec.startsWith('.') && resolve(dirname(file), spec).startsWith(resolve('test') + '/'))
      .map(({ spec }) => `${relative('.', file)} imports ${spec}`),
  );
  assert.deepEqual(wrong, []);
});

test('the store implements the core ports and imports no edge', () => {
  const edges = ['src/standards', 'src/web', 'src/admin', 'src/staff', 'src/cli', 'src/backends', 'src/delivery', 'src/http'];
  const wrong = sources('src/store').flatMap((file) =>
    importsOf(readFileSync(file, 'utf8'))
      .filter(({ spec }) => spec.startsWith('.') && edges.some((e) => resolve(dirname(file), spec).startsWith(resolve(e) + '/')))
      .map(({ spec }) => `${relative('.', file)} imports ${spec}`),
  );
  assert.deepEqual(wrong, []);
});

test('the import reader sees every form of import it guards against', () => {
  const seen = importsOf(`import a from '../x.ts';\nimport type { B } from "../y.ts";\nexport { c } from './z.ts';\nconst d = await import('../w.ts');\nimport '../side.ts';`);
  assert.deepEqual(seen, [
    { spec: '../x.ts', typeOnly: false },
    { spec: '../y.ts', typeOnly: true },
    { spec: './z.ts', typeOnly: false },
    { spec: '../w.ts', typeOnly: false },
    { spec: '../side.ts', typeOnly: false },
  ]);
});
