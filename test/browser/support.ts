import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import type { Config } from '../../src/config/schema.ts';
import { freshStore, testConfig } from '../support/db.ts';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Debian's Chromium, driven by playwright-core: no browser downloads. */
export const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });

/** Pipework over real HTTP on 127.0.0.1 (a random port), demo council seeded, on a fresh database. */
export async function startServer(overrides: Partial<Config> = {}) {
  const store = await freshStore();
  await seedDemo(store);
  const config = testConfig(store.url, { ...overrides, publicUrl: '' });
  const app = await buildApp(config, { store });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    store,
    app,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

type Axe = { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> };

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE);
  return page.evaluate(async (tags) => {
    const result = await (window as unknown as { axe: Axe }).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  }, WCAG_22_AA);
}

/**
 * Runs axe-core with the WCAG 2.2 AA rule tags and fails listing the
 * violations. axe is evaluated through the DevTools protocol, which the page's
 * CSP does not govern, so the page's own policy stays on. axe needs timers,
 * which do not run with JavaScript off: such a page is checked as its DOM
 * stands (scripts removed) in a JavaScript-enabled audit page at the same URL.
 */
export async function assertAccessible(page: Page, label: string, audit?: Page) {
  let violations: string[];
  if (!audit) violations = await axeViolations(page);
  else {
    const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
    const url = page.url();
    await audit.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await audit.goto(url);
    await audit.unroute(url);
    violations = await axeViolations(audit);
  }
  assert.deepEqual(violations, [], `axe found WCAG 2.2 AA violations on ${label}`);
}

/** Collects what the browser complains about: CSP refusals, script errors, failed loads. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`${r.status()} ${r.url()}`);
  });
  return problems;
}
