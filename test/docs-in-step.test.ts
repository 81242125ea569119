import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configSchema } from '../src/config/schema.ts';
import { ERRORS } from '../src/core/errors.ts';
import { COMMANDS } from '../src/cli/commands.ts';
import { EXIT } from '../src/cli/context.ts';

// The README's configuration table and docs/errors.md are what operators and
// integrators read; they must list exactly what the code has.

const table = (file: string, marker: string) => {
  const text = readFileSync(file, 'utf8');
  const block = text.slice(text.indexOf(`<!-- ${marker}`), text.indexOf(`<!-- /${marker} -->`));
  return block.split('\n').filter((l) => l.startsWith('| `'));
};

test('the README configuration table lists every key with its default', () => {
  const rows = table('README.md', 'config-table');
  const expected = Object.values(configSchema).map((s) => `| \`${s.env}\` | ${s.default === '' ? '(empty)' : `\`${s.default}\``} |`);
  assert.deepEqual(rows.map((r) => r.split(' | ').slice(0, 2).join(' | ') + ' |'), expected);
});

test('docs/errors.md lists every error code with its status', () => {
  const rows = table('docs/errors.md', 'error-table').map((r) => r.split(' | ').slice(0, 2).join(' | '));
  assert.deepEqual(rows, Object.entries(ERRORS).map(([code, e]) => `| \`${code}\` | ${e.status}`));
});

test('the README command table names every command, and its exit codes are the ones the command line uses', () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Command line'), readme.indexOf('## Configuration'));
  const named = new Set(section.split('\n').filter((l) => l.startsWith('| `')).map((l) => /^\| `([a-z-]+)/.exec(l)![1]));
  assert.deepEqual([...named].sort(), Object.keys(COMMANDS).sort());
  const codes = [...section.matchAll(/`(\d+)`\s+(?:done|the command ran|a usage|a configuration)/g)].map((m) => Number(m[1]));
  assert.deepEqual(codes, Object.values(EXIT));
});
