import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { relayWorld } from '../../../test/support/delivery-world.ts';
import { alloyWorld, ALLOY_KEY } from '../../../test/support/backends/rest-vendors.ts';
import { pipework } from '../../../test/support/cli.ts';

// What an operator does with a shipped configuration, through bin/pipework.js.

test('rest from the command line: a shipped file loads as it is; pointed at Alloy it checks healthy; a broken template is named; keys are masked', async () => {
  const w = await relayWorld();
  const { peer, config } = await alloyWorld();
  try {
    const run = (...args: string[]) => pipework(args, { DATABASE_URL: w.config.databaseUrl });
    const shipped = fileURLToPath(new URL('./configs/alloy.json', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'pipework-rest-'));
    writeFileSync(join(dir, 'alloy.json'), JSON.stringify(config));
    writeFileSync(join(dir, 'broken.json'), JSON.stringify({ ...config, create: { ...config.create, reference: 'answer.item.(itemId' } }));

    const [asShipped, pointed, broken] = await Promise.all([
      run('routes', 'backend', 'alloy-template', '--kind', 'rest', '--config', `@${shipped}`),
      run('routes', 'backend', 'alloy', '--kind', 'rest', '--config', `@${join(dir, 'alloy.json')}`),
      run('routes', 'backend', 'alloy-broken', '--kind', 'rest', '--config', `@${join(dir, 'broken.json')}`),
    ]);
    assert.equal(asShipped.code, 0, asShipped.err);
    assert.equal(pointed.code, 0, pointed.err);
    assert.equal(broken.code, 1, broken.err);
    assert.match(broken.err, /config\.create\.reference is not a JSONata expression/);

    const [check, list] = await Promise.all([run('routes', 'check', 'alloy'), run('routes', 'backends')]);
    assert.equal(check.code, 0, check.err);
    assert.match(check.out, /alloy: healthy/);
    assert.doesNotMatch(list.out, new RegExp(ALLOY_KEY));
    assert.match(list.out, /alloy\trest\t.*"apiKey":"\*\*\*\*\*\*\*\*"/);
  } finally {
    await peer.close();
    await w.close();
  }
});
