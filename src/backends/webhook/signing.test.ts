import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, signedHeaders, verifySignature } from './signing.ts';

const secret = 'unit-test-secret-0123456789';

test('a signature checks out over the exact bytes, and not after tampering, replay or a wrong secret', () => {
  const body = '{"updates":[{"reference":"A1","status":"DONE"}]}';
  const headers = signedHeaders(secret, body);
  assert.equal(verifySignature(secret, headers, Buffer.from(body)), undefined);
  assert.match(verifySignature(secret, headers, Buffer.from(body.replace('DONE', 'OPEN')))!, /does not match/);
  assert.match(verifySignature('another-secret-0123456789', headers, Buffer.from(body))!, /does not match/);
  const old = Math.floor(Date.now() / 1000) - 600;
  assert.match(verifySignature(secret, { [TIMESTAMP_HEADER]: String(old), [SIGNATURE_HEADER]: sign(secret, old, body) }, Buffer.from(body))!, /6\d\d s away from our clock/);
  assert.match(verifySignature(secret, {}, Buffer.from(body))!, /headers are required/);
  assert.match(verifySignature(secret, { [TIMESTAMP_HEADER]: 'soon', [SIGNATURE_HEADER]: 'v1=00' }, Buffer.from(body))!, /Unix seconds/);
});

test('the published contract names the same headers and is valid YAML', () => {
  const doc = YAML.parse(readFileSync('docs/webhook-contract.openapi.yaml', 'utf8'));
  const names = Object.values(doc.components.parameters).map((p) => (p as { name: string }).name.toLowerCase());
  assert.deepEqual(names.sort(), ['idempotency-key', SIGNATURE_HEADER, TIMESTAMP_HEADER].sort());
  assert.ok(doc.paths['/backends/{name}/updates'].post);
});
