#!/usr/bin/env node
// `npm test`: the type check, then every *.test.ts beside the code and in test/, through node:test and tsx.
// The database under test comes from DATABASE_URL (unset: SQLite in a temporary folder).
// Chromium and wrk, for the tests that drive them, are installed first when missing (as root with apt-get), or the run stops saying how.
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { TOOLS, ensureTools } from './debian-tools.js';

const find = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });

const only = process.argv.slice(2);
const files = only.length ? only : [...find('src'), ...find('test')].sort();
// First, so a missing tool stops the run at once rather than after minutes of tests.
const tools = [
  ...(files.some((f) => f.split(sep).includes('browser')) ? [TOOLS.chromium] : []),
  ...(files.some((f) => f.endsWith('bench-wrk.test.ts')) ? [TOOLS.wrk] : []),
];
const ready = ensureTools(tools);
if (!ready.ok) {
  console.error(ready.message);
  process.exit(1);
}
// The whole suite starts with the type check: strict TypeScript is part of what "passes" means.
if (!only.length) {
  console.log('Type-checking (tsc --noEmit)');
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit'], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
const db = process.env.DATABASE_URL?.startsWith('postgres') ? 'PostgreSQL' : 'SQLite';
console.log(`Running ${files.length} test files on ${db}`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
});
process.exit(result.status ?? 1);
