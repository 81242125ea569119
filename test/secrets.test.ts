import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freshStore } from './support/db.ts';
import { serveProcess } from './support/serve.ts';
import { webhookPeer } from './support/backends/webhook-peer.ts';
import { until, SECRET } from './support/delivery-world.ts';
import { keyring, SecretKeyError } from '../src/core/secrets.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { createApiKey } from '../src/core/access/api-keys.ts';
import { setPrimary } from '../src/routing/manage.ts';
import { ensurePatternKey } from '../src/patterns/sharing/keys.ts';
import { openStore } from '../src/store/index.ts';

const pipework = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['bin/pipework.js', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 60_000 });
const newKey = () => randomBytes(32).toString('hex');

test('a sealed secret opens only with its key, and any change to it is detected', () => {
  const a = newKey();
  const sealed = keyring(a).seal('s3cret');
  assert.match(sealed, /^enc:v1:[0-9a-f]{8}:/);
  assert.doesNotMatch(sealed, /s3cret/);
  assert.equal(keyring(a).open(sealed), 's3cret');
  assert.equal(keyring(newKey(), [a]).open(sealed), 's3cret', 'a previous key still opens it');
  assert.throws(() => keyring().open(sealed), (e: Error) => e instanceof SecretKeyError && /set PIPEWORK_SECRET_KEY/.test(e.message));
  assert.throws(() => keyring(newKey()).open(sealed), SecretKeyError);
  const parts = sealed.split(':');
  parts[5] = Buffer.from('s3creT').toString('base64');
  assert.throws(() => keyring(a).open(parts.join(':')), /unable to authenticate|Unsupported state/);
  assert.equal(keyring(a).seal(sealed), sealed, 'never sealed twice');
  assert.throws(() => keyring('too short'), /32 random bytes/);
});

test('back-end secrets are encrypted in the database; rotation keeps the back-end working', async () => {
  const store = await freshStore();
  await seedDemo(store);
  const { key: clientKey } = await createApiKey(store, 'client');
  const peer = await webhookPeer({ secret: SECRET });
  const [k1, k2] = [newKey(), newKey()];
  const db = store.url;
  try {
    const saved = pipework(['routes', 'backend', 'hook', '--kind', 'webhook', '--config', JSON.stringify({ url: peer.url, secret: SECRET })], { DATABASE_URL: db, PIPEWORK_SECRET_KEY: k1 });
    assert.equal(saved.status, 0, saved.stderr);
    const raw = async () => (await store.db.selectFrom('backends').select('config').where('name', '=', 'hook').executeTakeFirstOrThrow()).config;
    assert.doesNotMatch(await raw(), new RegExp(SECRET));
    assert.match(await raw(), /"secret":"enc:v1:/);

    const withK1 = await openStore(db, { secretKey: k1, migrate: false });
    await withK1.subscriptions.create({ id: 'crm', url: 'https://crm.example.gov.uk/hook', types: [], councils: [], secret: 'whsec_c2lnbmluZy1zZWNyZXQ=', cursor: 0, at: new Date() });
    const patternKey = (await ensurePatternKey(withK1, 'example')).key;
    await withK1.close();
    const rawSub = async () => (await store.db.selectFrom('event_subscriptions').select('secret').where('id', '=', 'crm').executeTakeFirstOrThrow()).secret;
    assert.match(await rawSub(), /^enc:v1:/);

    // Without the key, Pipework refuses to start and says which variable to set.
    const refused = pipework(['routes', 'backends'], { DATABASE_URL: db });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /set PIPEWORK_SECRET_KEY/);

    const rotated = pipework(['secrets', 'rotate'], { DATABASE_URL: db, PIPEWORK_SECRET_KEY: k2, PIPEWORK_SECRET_KEY_PREVIOUS: k1 });
    assert.equal(rotated.status, 0, rotated.stderr);
    const before = await raw();
    assert.equal(pipework(['routes', 'backends'], { DATABASE_URL: db, PIPEWORK_SECRET_KEY: k1 }).status, 1, 'the old key alone no longer opens it');

    // With the new key alone, a request routed to the webhook is delivered, signed with the right secret.
    const keyed = await openStore(db, { secretKey: k2, migrate: false });
    await setPrimary(keyed, { jurisdictionId: 'example', serviceCode: 'pothole' }, 'hook', 'test');
    assert.equal((await keyed.subscriptions.get('crm'))!.secret, 'whsec_c2lnbmluZy1zZWNyZXQ=', 'subscription secrets are re-sealed too');
    assert.equal((await keyed.patternSharing.key('example'))!.privateKey, patternKey.privateKey, 'pattern signing keys are re-sealed too');
    await keyed.close();
    const server = await serveProcess({ DATABASE_URL: db, PIPEWORK_SECRET_KEY: k2, RELAY_IDLE_POLL_MS: '50' });
    try {
      const res = await fetch(`${server.url}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_key: clientKey, service_code: 'pothole', lat: '51.5', long: '-0.12', 'attribute[depth]': 'deep', description: 'After rotation' }),
      });
      assert.equal(res.status, 200);
      await until(() => peer.calls.size === 1, 15_000, 'delivered to the webhook');
    } finally {
      server.child.kill('SIGKILL');
    }
    assert.equal(await raw(), before);
  } finally {
    await peer.close();
    await store.close();
  }
});
