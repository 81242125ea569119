// The Debian programs some tests drive: Chromium for the browser tests (test/browser/support.ts; test tools may not
// download browsers here) and wrk for the benchmark's load-generator test. `npm test` calls ensureTools() first, so
// the README's test command works on a fresh Debian machine by itself (decision 0063).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM = '/usr/bin/chromium';

/** Each tool: where the tests look for it, its Debian package, and which tests need it. */
export const TOOLS = {
  chromium: { path: CHROMIUM, pkg: 'chromium', usedBy: 'the browser tests' },
  wrk: { path: '/usr/bin/wrk', pkg: 'wrk', usedBy: "the benchmark's wrk test" },
};

export const installCommand = (pkgs) => `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs.join(' ')}`;

/**
 * The tools that are missing, installed in one apt-get run when this process may: root, with apt-get.
 * Otherwise returns what to run, for the caller to print and stop.
 *
 * @example const r = ensureTools([TOOLS.chromium, TOOLS.wrk]); if (!r.ok) { console.error(r.message); process.exit(1); }
 */
export function ensureTools(tools, { uid = process.getuid?.(), aptGet = '/usr/bin/apt-get', log = console.log } = {}) {
  const missing = tools.filter((t) => !existsSync(t.path));
  if (!missing.length) return { ok: true };
  const install = installCommand(missing.map((t) => t.pkg));
  const needs = missing.map((t) => `${t.path} (Debian's ${t.pkg}), for ${t.usedBy}`).join('; ');
  const instructions = `Missing for the tests: ${needs}. Install, then run npm test again:\n\n  sudo sh -c '${install}'\n`;
  if (uid !== 0 || !existsSync(aptGet)) return { ok: false, message: instructions };
  log(`Installing what the tests need (${install})`);
  const r = spawnSync('sh', ['-c', install], { stdio: 'inherit' });
  if (r.status === 0 && missing.every((t) => existsSync(t.path))) return { ok: true };
  return { ok: false, message: `Installing failed (exit ${r.status}).\n\n${instructions}` };
}
