import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CHROMIUM, INSTALL, ensureChromium } from '../scripts/chromium.js';

// `npm ci && npm test` must work on a fresh machine by itself: npm test installs Chromium when it may, or says exactly what to run.

test('Chromium already there: nothing to do', () => {
  assert.deepEqual(ensureChromium({ path: process.execPath }), { ok: true });
});

test('missing, and not root: the run stops with the exact command to install it', () => {
  const r = ensureChromium({ path: '/nonexistent/chromium', uid: 1000 });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.message.includes(`sudo sh -c '${INSTALL}'`));
  assert.match(INSTALL, /^apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium$/);
});

test('missing, root but no apt-get (not Debian): the same instructions, nothing run', () => {
  const logged: string[] = [];
  const r = ensureChromium({ path: '/nonexistent/chromium', uid: 0, aptGet: '/nonexistent/apt-get', log: (l) => logged.push(l) });
  assert.equal(r.ok, false);
  assert.deepEqual(logged, []);
});

test('the browser tests and npm test look for the same Chromium', () => {
  assert.ok(readFileSync('test/browser/support.ts', 'utf8').includes(`executablePath: '${CHROMIUM}'`));
  // .ci/run runs the README's command and leaves the browser to it.
  const ci = readFileSync('.ci/run', 'utf8');
  assert.match(ci, /^npm test$/m);
  assert.doesNotMatch(ci, /apt-get install/);
});
