import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { freshDatabaseUrl } from './support/db.ts';
import { pipework } from './support/cli.ts';

// docs/set-up-your-council.md is followed as written: every `npx pipework` line of its shell blocks,
// in order, through the real binary, on an empty database with SEED_DEMO=false.
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
before(async () => (db = await freshDatabaseUrl()));
after(() => db.drop());

/** Words of a shell line: double or single quotes group, `#` starts a comment. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(#.*$)|(\S+)/g)) {
    if (m[3]) break;
    out.push(m[1] ?? m[2] ?? m[4]);
  }
  return out;
}

test('the set-up guide’s commands run, in order, and each succeeds', async () => {
  const guide = readFileSync(new URL('../docs/set-up-your-council.md', import.meta.url), 'utf8');
  const blocks = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const commands = blocks.flatMap((b) => b.split('\n')).map((l) => l.trim()).filter((l) => l.startsWith('npx pipework '));
  assert.ok(commands.length >= 6, `found ${commands.length} commands`);
  for (const line of commands) {
    const r = await pipework(words(line).slice(2), { DATABASE_URL: db.url, SEED_DEMO: 'false' });
    assert.equal(r.code, 0, `${line}\n${r.err}`);
  }
});
