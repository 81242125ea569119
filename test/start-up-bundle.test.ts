import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledEntry } from '../bin/bundle.js';
import { ownMappings } from '../bin/own-mappings.js';

// The start-up bundle (bin/bundle.js, decision 0181) on a small project of its own: what runs is always the sources
// as they are now, files beside a source or a package are still found, lazy imports stay lazy, stack traces name
// the .ts file, and processes starting at once on an empty cache all run.

const bundleJs = new URL('../bin/bundle.js', import.meta.url).href;

function project() {
  const dir = mkdtempSync(join(tmpdir(), 'pipework-bundle-'));
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  write('package.json', JSON.stringify({ type: 'module' }));
  write('words.txt', 'beside the source');
  // A CommonJS package that finds a file beside itself and requires one of Node's modules, as many do.
  mkdirSync(join(dir, 'node_modules', 'beside'), { recursive: true });
  write('node_modules/beside/package.json', JSON.stringify({ name: 'beside', main: 'index.js' }));
  write(
    'node_modules/beside/index.js',
    [
      "const { readFileSync } = require('node:fs');",
      "module.exports = () => readFileSync(__dirname + '/word.txt', 'utf8');",
      "module.exports.fail = function failInPackage() { throw new Error('from the package'); };",
      '',
    ].join('\n'),
  );
  write('node_modules/beside/word.txt', 'and a package');
  write('lazy.ts', "export const lazy: string = 'loaded lazily';\n");
  write(
    'dep.ts',
    [
      "import { readFileSync } from 'node:fs';",
      "export const words = (): string => readFileSync(new URL('./words.txt', import.meta.url), 'utf8');",
      "export const version: number = 1;",
      'export function fail(): never {',
      "  throw new Error('from dep');",
      '}',
      '',
    ].join('\n'),
  );
  write(
    'entry.ts',
    [
      "import { words, version, fail } from './dep.ts';",
      "import beside from 'beside';",
      "console.log(`${version} ${words()} ${beside()}`);",
      "if (process.argv.includes('--lazy')) console.log((await import('./lazy.ts')).lazy);",
      "if (process.argv.includes('--fail')) fail();",
      "if (process.argv.includes('--fail-in-package')) beside.fail();",
      '',
    ].join('\n'),
  );
  return { dir, write, entry: join(dir, 'entry.ts'), cache: join(dir, 'cache') };
}

/** `node` running the entry through runEntry, as bin/pipework.js does. */
async function run(entry: string, cache: string, ...args: string[]) {
  const script = `const { runEntry } = await import(${JSON.stringify(bundleJs)}); await runEntry(${JSON.stringify(entry)}, ${JSON.stringify(cache)});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out, err };
}

const bundles = (cache: string) => readdirSync(cache).filter((name) => !name.endsWith('.json'));

test('the bundle runs the sources as they are now: reused while unchanged, rebuilt after an edit', async (t) => {
  const p = project();
  t.after(() => rmSync(p.dir, { recursive: true, force: true }));
  const first = await bundledEntry(p.entry, p.cache);
  assert.ok(first, 'a bundle is built');
  assert.equal(await bundledEntry(p.entry, p.cache), first, 'the same bundle while nothing changed');
  assert.deepEqual(await run(p.entry, p.cache), { code: 0, out: '1 beside the source and a package\n', err: '' });

  p.write('dep.ts', readFileSync(join(p.dir, 'dep.ts'), 'utf8').replace('version: number = 1', 'version: number = 2'));
  const second = await bundledEntry(p.entry, p.cache);
  assert.notEqual(second, first, 'an edit makes a new bundle');
  assert.equal((await run(p.entry, p.cache)).out, '2 beside the source and a package\n');

  p.write('words.txt', 'read at run time');
  assert.equal(await bundledEntry(p.entry, p.cache), second, 'a file read at run time is not part of the bundle');
  assert.equal((await run(p.entry, p.cache)).out, '2 read at run time and a package\n');
});

test('lazy imports stay lazy; stack traces name the .ts file and line, and a package frame its place in the bundle', async (t) => {
  const p = project();
  t.after(() => rmSync(p.dir, { recursive: true, force: true }));
  const bundle = (await bundledEntry(p.entry, p.cache))!;
  const chunks = readdirSync(join(bundle, '..')).filter((name) => name.endsWith('.mjs'));
  assert.ok(chunks.length >= 2, `the lazy import is a chunk of its own (${chunks.join(', ')})`);
  assert.equal((await run(p.entry, p.cache, '--lazy')).out, '1 beside the source and a package\nloaded lazily\n');
  const failed = await run(p.entry, p.cache, '--fail');
  assert.equal(failed.code, 1);
  assert.match(failed.err, /from dep\n\s+at fail \(.*dep\.ts:5:\d+\)/);
  // The maps keep only the project's own files (decision 0182): a package's frame is not passed off as a source line.
  const inPackage = await run(p.entry, p.cache, '--fail-in-package');
  assert.equal(inPackage.code, 1);
  assert.match(inPackage.err, /from the package\n\s+at Function\.failInPackage \[as fail\] \(file:\/\/.*\/entry\.mjs:\d+:\d+\)\n\s+at .*entry\.ts:6:\d+/);
  assert.ok(inPackage.err.includes(`(${p.entry}:6:`), `the source is named where it is: ${inPackage.err}`);
  const map = JSON.parse(readFileSync(`${bundle}.map`, 'utf8'));
  assert.ok(map.sources.some((s: string) => s.includes('node_modules')), 'the package is among the sources');
});

test('a source that does not compile falls back to tsx, which reports it', async (t) => {
  const p = project();
  t.after(() => rmSync(p.dir, { recursive: true, force: true }));
  p.write('dep.ts', 'export const words = (: string => 1;\n');
  const warnings: string[] = [];
  assert.equal(await bundledEntry(p.entry, p.cache, (w) => warnings.push(w)), null);
  assert.match(warnings.join('\n'), /start-up bundle not used \(.*dep\.ts.*\); running the sources through tsx/);
  const result = await run(p.entry, p.cache);
  assert.notEqual(result.code, 0);
  assert.match(result.err, /dep\.ts/);
});

test('a cache that cannot be written falls back to tsx, saying why', async (t) => {
  const p = project();
  t.after(() => rmSync(p.dir, { recursive: true, force: true }));
  const result = await run(p.entry, join(p.dir, 'words.txt', 'cache'));
  assert.equal(result.code, 0);
  assert.equal(result.out, '1 beside the source and a package\n');
  assert.match(result.err, /start-up bundle not used \(ENOTDIR.*\); running the sources through tsx/);
});

test('six processes starting at once on an empty cache all run, and leave one bundle', async (t) => {
  const p = project();
  t.after(() => rmSync(p.dir, { recursive: true, force: true }));
  const results = await Promise.all(Array.from({ length: 6 }, () => run(p.entry, p.cache)));
  for (const r of results) assert.deepEqual(r, { code: 0, out: '1 beside the source and a package\n', err: '' });
  assert.equal(bundles(p.cache).length, 1, `one bundle folder, no temporary ones: ${bundles(p.cache).join(', ')}`);
});

test("a map keeps its own files' mappings, and a run of a package's only as its start, mapped to nothing", () => {
  // Line 1: own column 0, the package at 2 and 4; line 2: the package at 0, own (with a name) at 2.
  const map = { version: 3, sources: ['a.ts', 'node_modules/x/index.js'], names: ['n'], mappings: 'AAAA,ECAA,EAAA;AACA,EDAAA' };
  const out = JSON.parse(ownMappings(JSON.stringify(map), { isOwn: (s: string) => !s.includes('node_modules'), locate: (s: string) => `/p/${s}` }));
  assert.deepEqual(out.sources, ['/p/a.ts', '/p/node_modules/x/index.js']);
  // Own segments re-encoded relative to the last one written (line 2: column 2, source 0, line 1, column 0, name 0).
  assert.equal(out.mappings, 'AAAA,E;EACAA');
  // A map that ends in the package: the closing "no source" segment is followed by a separator, as Node needs.
  assert.equal(JSON.parse(ownMappings(JSON.stringify({ ...map, mappings: 'AAAA,ECAA' }), { isOwn: (s: string) => !s.includes('node_modules'), locate: (s: string) => s })).mappings, 'AAAA,E;');
});
