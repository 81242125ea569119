import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main, type Io } from './main.ts';
import { COMMANDS } from './commands.ts';
import { subcommandsOf } from './context.ts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Every command and sub-command answers --help with its usage and exit 0, without configuration or a database.
// In-process: main() is all the binary runs (cli.test.ts spawns a few of these through bin/pipework.js).
async function call(argv: string[]) {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t) };
  const code = await main(argv, { DATABASE_URL: 'mysql://not-needed-for-help' }, io);
  return { code, out, err };
}

test('--help and -h on every command and every sub-command print its usage and exit 0', async () => {
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const command = await entry.load();
    const whole = await call([name, '--help']);
    assert.equal(whole.code, 0, `${name} --help: ${whole.err}`);
    assert.equal(whole.err, '');
    for (const line of command.usage) assert.ok(whole.out.includes(`npx pipework ${line}`), `${name} --help lists "${line}"`);
    assert.deepEqual(await call(['help', name]), whole, `help ${name}`);
    for (const line of command.usage) {
      const sub = line.split(' ')[1];
      if (!sub || /^[[A-Z-]/.test(sub)) continue; // an argument, not a sub-command
      const r = await call([name, sub, '-h']);
      assert.equal(r.code, 0, `${name} ${sub} -h`);
      assert.ok(r.out.includes(`npx pipework ${line}`), `${name} ${sub} -h shows "${line}"`);
      assert.ok(r.out.split('\n').every((l) => !l.startsWith('  npx pipework') || l.startsWith(`  npx pipework ${name} ${sub}`)), `${name} ${sub} -h shows only its own lines`);
    }
  }
});

test('a --help after "--" is an argument, not a request for help', async () => {
  const r = await call(['migrate', '--', '--help']);
  assert.equal(r.code, 78, 'it went on to load the (bad) configuration');
});

test('a missing or mistyped sub-command is refused with the usage before any database is opened or created', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipework-cli-'));
  const file = join(dir, 'never', 'pipework.db');
  const run = async (argv: string[]) => {
    let err = '';
    const code = await main(argv, { DATABASE_URL: `sqlite:${file}` }, { out: () => {}, err: (t) => void (err += t) });
    return { code, err };
  };
  try {
    let checked = 0;
    for (const [name, entry] of Object.entries(COMMANDS)) {
      if (!subcommandsOf(await entry.load())) continue; // takes arguments (backup FILE), not sub-commands
      for (const [argv, says] of [[[name, 'no-such-thing'], `Unknown sub-command "${name} no-such-thing"`], [[name], `${name} needs a sub-command`]] as const) {
        const r = await run([...argv]);
        assert.equal(r.code, 64, `${argv.join(' ')}: ${r.err}`);
        assert.ok(r.err.startsWith(says) && r.err.includes(`npx pipework ${name} `), `${argv.join(' ')} says what is wrong and shows the usage: ${r.err}`);
      }
      checked++;
    }
    assert.ok(checked >= 15, `every command with sub-commands (${checked})`);
    for (const argv of [['events', 'push', 'now'], ['events', 'subscriptions', 'all'], ['events', 'subscribe'], ['notifications', 'templates', 'show']]) {
      assert.equal((await run(argv)).code, 64, argv.join(' '));
    }
    assert.ok(!existsSync(join(dir, 'never')), 'nothing was created');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
