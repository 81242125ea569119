import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { launch, assertAccessible } from './support.ts';
import { buildApp } from '../../src/app.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { freshStore, testConfig } from '../support/db.ts';
import { staffUser } from '../support/staff.ts';

// Chromium signs in to the staff console with OpenID Connect, against a real
// provider (oidc-provider) running in-process on 127.0.0.1: the console's
// button, the provider's own sign-in and consent pages, and back signed in.

let browser: Browser;
let idp: Server;
let pipework: string;
let store: Awaited<ReturnType<typeof freshStore>>;
let app: Awaited<ReturnType<typeof buildApp>>;

before(async () => {
  idp = createServer();
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  store = await freshStore();
  await seedDemo(store);
  await staffUser(store, 'kim@example.gov.uk', 'officer', 'example', 'Kim Lee');
  app = await buildApp(testConfig(store.url, { publicUrl: '', staffOidcIssuer: issuer, staffOidcClientId: 'pipework', staffOidcClientSecret: 'a-client-secret-for-tests', staffOidcLabel: 'Example ID' }), { store });
  pipework = await app.listen({ host: '127.0.0.1', port: 0 });
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'pipework', client_secret: 'a-client-secret-for-tests', redirect_uris: [`${pipework}/staff/sign-in/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, email: `${sub}@example.gov.uk`, email_verified: true }) }),
    pkce: { required: () => true },
  });
  idp.on('request', provider.callback());
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((r) => idp.close(r));
  await store?.close();
});

test('an officer signs in with OpenID Connect in Chromium', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${pipework}/staff/`);
  assert.match(page.url(), /\/staff\/sign-in/);
  await assertAccessible(page, 'sign in with a provider offered');
  await Promise.all([page.waitForURL(/127\.0\.0\.1:\d+\/interaction\//), page.getByRole('button', { name: /Sign in with Example ID/ }).click()]);
  // The provider's own development sign-in and consent pages.
  await page.locator('input[name="login"]').fill('kim');
  await page.locator('input[name="password"]').fill('anything');
  await Promise.all([page.waitForNavigation(), page.locator('button[type="submit"]').click()]);
  if (await page.locator('button[type="submit"]').count()) await Promise.all([page.waitForURL(new RegExp(`^${pipework}/staff/`)), page.locator('button[type="submit"]').click()]);
  await page.waitForURL(new RegExp(`^${pipework}/staff/$`));
  assert.match(await page.locator('h1').innerText(), /Work queue/);
  assert.match(await page.locator('.moj-identity-bar').innerText(), /Kim Lee, officer/);
  await context.close();
});
