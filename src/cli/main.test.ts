import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main, type Io } from './main.ts';
import { COMMANDS } from './commands.ts';

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
