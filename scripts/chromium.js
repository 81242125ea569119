// The browser tests drive Debian's Chromium (test/browser/support.ts); test tools may not download browsers here.
// `npm test` calls ensureChromium() first, so the README's test command works on a fresh Debian machine by itself.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM = '/usr/bin/chromium';
export const INSTALL = 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium';

/**
 * Chromium at `path`, installing it when it is missing and this process may:
 * root, with apt-get. Otherwise returns what to run, for the caller to print and stop.
 *
 * @example const r = ensureChromium(); if (!r.ok) { console.error(r.message); process.exit(1); }
 */
export function ensureChromium({ path = CHROMIUM, uid = process.getuid?.(), aptGet = '/usr/bin/apt-get', log = console.log } = {}) {
  if (existsSync(path)) return { ok: true };
  const instructions = `The browser tests need Debian's Chromium at ${path}. Install it, then run npm test again:\n\n  sudo sh -c '${INSTALL}'\n`;
  if (uid !== 0 || !existsSync(aptGet)) return { ok: false, message: instructions };
  log(`Installing Chromium for the browser tests (${INSTALL})`);
  const r = spawnSync('sh', ['-c', INSTALL], { stdio: 'inherit' });
  if (r.status === 0 && existsSync(path)) return { ok: true };
  return { ok: false, message: `Installing Chromium failed (exit ${r.status}).\n\n${instructions}` };
}
