import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { buildApp } from '../app.ts';
import { seedDemo } from '../demo/seed.ts';
import { freshStore, testConfig } from '../../test/support/db.ts';
import { staffUser } from '../../test/support/staff.ts';

// Staff sign-in with OpenID Connect against a real provider (oidc-provider) over HTTP on 127.0.0.1:
// authorization code with PKCE, and users matched by verified email to an existing staff user.

const ACCOUNTS: Record<string, { email: string; email_verified: boolean }> = {
  kim: { email: 'Kim@Example.gov.uk', email_verified: true },
  stranger: { email: 'stranger@example.gov.uk', email_verified: true },
  unverified: { email: 'kim@example.gov.uk', email_verified: false },
};

let idp: Server;
let issuer: string;
let pipework: string;
let store: Awaited<ReturnType<typeof freshStore>>;
let app: Awaited<ReturnType<typeof buildApp>>;
const seen: { codeChallengeMethod?: string }[] = [];

before(async () => {
  idp = createServer();
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  store = await freshStore();
  await seedDemo(store);
  await staffUser(store, 'kim@example.gov.uk', 'officer');
  const config = testConfig(store.url, { publicUrl: '', staffOidcIssuer: issuer, staffOidcClientId: 'pipework', staffOidcClientSecret: 'a-client-secret-for-tests', staffOidcLabel: 'Example ID' });
  app = await buildApp(config, { store });
  pipework = await app.listen({ host: '127.0.0.1', port: 0 });
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'pipework', client_secret: 'a-client-secret-for-tests', redirect_uris: [`${pipework}/staff/sign-in/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, ...ACCOUNTS[sub] }) }),
    pkce: { required: () => true },
  });
  provider.on('authorization.success', (ctx: { oidc: { params?: { code_challenge_method?: string } } }) => seen.push({ codeChallengeMethod: ctx.oidc.params?.code_challenge_method }));
  idp.on('request', provider.callback());
});
after(async () => {
  await app.close();
  await new Promise((r) => idp.close(r));
  await store.close();
});

/** A browser of sorts: follows redirects, keeps cookies, and fills in the provider's login and consent forms. */
async function signInAs(login: string) {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = pair.split('=');
      if (value.join('=')) jar.set(name, value.join('='));
      else jar.delete(name);
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = `${pipework}/staff/sign-in/oidc`;
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as object), cookie: cookie() } });
    keep(res);
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url).href;
      init = {};
      continue;
    }
    const body = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(body)?.[1];
    if (!url.startsWith(issuer) || !action) return { status: res.status, url, body, cookie: cookie() };
    const fields = new URLSearchParams([...body.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (/name="login"/.test(body)) {
      fields.set('login', login);
      fields.set('password', 'anything');
    }
    url = new URL(action, url).href;
    init = { method: 'POST', body: fields.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('too many redirects');
}

test('the sign-in page offers the provider by its label', async () => {
  const page = await fetch(`${pipework}/staff/sign-in`);
  assert.match(await page.text(), /Sign in with Example ID/);
});

test('a staff user whose verified email the provider vouches for is signed in (code flow with PKCE S256)', async () => {
  const end = await signInAs('kim');
  assert.equal(end.status, 200, end.body.slice(0, 500));
  assert.equal(new URL(end.url).pathname, '/staff/');
  assert.match(end.body, /Work queue/);
  assert.match(end.body, /Signed in as/);
  assert.equal(seen.at(-1)?.codeChallengeMethod, 'S256');
  const signIns = await store.db.selectFrom('staff_audit').select(['actor', 'after']).where('action', '=', 'staff.sign_in').execute();
  assert.deepEqual(signIns, [{ actor: 'kim@example.gov.uk', after: 'oidc' }]);
});

test('an email with no staff account, or one the provider has not verified, is refused', async () => {
  const stranger = await signInAs('stranger');
  assert.equal(stranger.status, 403);
  assert.match(stranger.body, /There is no staff account for stranger@example.gov.uk/);
  const unverified = await signInAs('unverified');
  assert.equal(unverified.status, 403);
  assert.match(unverified.body, /did not confirm your email address/);
  // Neither got a session that opens the console.
  assert.equal((await fetch(`${pipework}/staff/`, { redirect: 'manual', headers: { cookie: unverified.cookie } })).status, 303);
});

test('a callback without the state this browser started with is refused', async () => {
  const res = await fetch(`${pipework}/staff/sign-in/oidc/callback?code=forged&state=forged`);
  assert.equal(res.status, 403);
  assert.match(await res.text(), /took too long or was started elsewhere/);
});
