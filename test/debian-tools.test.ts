import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CHROMIUM, TOOLS, ensureTools, installCommand } from '../scripts/debian-tools.js';

// `npm ci && npm test` must work on a fresh machine by itself: npm test installs Chromium and wrk when it may, or says exactly what to run.

const gone = (pkg: string) => ({ path: `/nonexistent/${pkg}`, pkg, usedBy: `the ${pkg} tests` });

test('every tool already there: nothing to do', () => {
  assert.deepEqual(ensureTools([{ path: process.execPath, pkg: 'nodejs', usedBy: 'all' }]), { ok: true });
  assert.deepEqual(ensureTools([]), { ok: true });
});

test('missing, and not root: the run stops with the exact command to install every missing one', () => {
  const r = ensureTools([gone('chromium'), { path: process.execPath, pkg: 'nodejs', usedBy: 'all' }, gone('wrk')], { uid: 1000 });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.message.includes(`sudo sh -c '${installCommand(['chromium', 'wrk'])}'`), !r.ok ? r.message : '');
  assert.ok(!r.ok && r.message.startsWith("Missing for the tests: /nonexistent/chromium (Debian's chromium), for the chromium tests; /nonexistent/wrk"));
  assert.equal(installCommand(['chromium', 'wrk']), 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium wrk');
});

test('missing, root but no apt-get (not Debian): the same instructions, nothing run', () => {
  const logged: string[] = [];
  const r = ensureTools([gone('wrk')], { uid: 0, aptGet: '/nonexistent/apt-get', log: (l) => logged.push(l) });
  assert.equal(r.ok, false);
  assert.deepEqual(logged, []);
});

test('the tests and npm test look for the same programs', () => {
  assert.ok(readFileSync('test/browser/support.ts', 'utf8').includes(`executablePath: '${CHROMIUM}'`));
  assert.equal(TOOLS.chromium.path, CHROMIUM);
  // .ci/run runs the README's command and leaves the tools to it.
  const ci = readFileSync('.ci/run', 'utf8');
  assert.match(ci, /^npm test$/m);
  assert.doesNotMatch(ci, /apt-get install/);
});
