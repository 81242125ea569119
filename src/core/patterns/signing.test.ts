import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, entryDigest, keyIdOf, newKeyPair, signEntry, signedBytes, verifyEntry, type SignedEntry } from './signing.ts';

test('canonical JSON sorts keys, drops undefined members, keeps array order and writes no whitespace', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, 'x', null], c: undefined, é: 'ü', A: { z: 1.5, y: -0 } }), '{"A":{"y":0,"z":1.5},"a":[true,"x",null],"b":1,"é":"ü"}');
  assert.equal(canonicalJson('line\nbreak "q"'), '"line\\nbreak \\"q\\""');
  // Keys order by UTF-16 code units, as RFC 8785 says: upper case before lower, "10" before "9".
  assert.equal(canonicalJson({ b: 0, B: 0, '9': 0, '10': 0 }), '{"10":0,"9":0,"B":0,"b":0}');
  assert.throws(() => canonicalJson({ n: Number.NaN }), /NaN/);
  assert.throws(() => canonicalJson({ f: () => 1 }), /function/);
});

const entry = (): SignedEntry => ({
  publisher: { id: 'a', name: 'A District Council' },
  id: 'missed_bin',
  version: '1.0.0',
  licence: 'OGL-UK-3.0',
  published_at: '2026-12-01T10:00:00Z',
  document: { id: 'missed_bin', version: '1.0.0', questions: [{ code: 'bin', hint: 'Which bin?' }] },
});

test('the signed bytes are the context line then canonical JSON, whatever order the entry was written in', () => {
  const e = entry();
  const reordered = JSON.parse(JSON.stringify({ document: e.document, version: e.version, id: e.id, publisher: { name: 'A District Council', id: 'a' }, licence: e.licence, published_at: e.published_at }));
  assert.deepEqual(signedBytes(reordered), signedBytes(e));
  assert.equal(
    signedBytes(e).toString('utf8'),
    'pipework-pattern-entry/1\n{"document":{"id":"missed_bin","questions":[{"code":"bin","hint":"Which bin?"}],"version":"1.0.0"},"id":"missed_bin","licence":"OGL-UK-3.0","published_at":"2026-12-01T10:00:00Z","publisher":{"id":"a","name":"A District Council"},"version":"1.0.0"}',
  );
  // What is not signed (where it is served) does not change the bytes.
  assert.deepEqual(signedBytes({ ...e, url: 'http://x/', running: true } as SignedEntry), signedBytes(e));
  assert.match(entryDigest(e), /^sha256:[0-9a-f]{64}$/);
});

test('an Ed25519 signature verifies for exactly the signed entry and its key', () => {
  const keys = newKeyPair();
  assert.equal(keys.keyId, keyIdOf(keys.publicKey));
  assert.equal(Buffer.from(keys.publicKey, 'base64url').length, 32);
  const sig = signEntry(entry(), keys.privateKey);
  assert.equal(verifyEntry(entry(), sig, keys.publicKey), true);

  const tampered = entry();
  (tampered.document as { questions: { hint: string }[] }).questions[0].hint = 'Which bin? (changed)';
  assert.equal(verifyEntry(tampered, sig, keys.publicKey), false);
  assert.equal(verifyEntry({ ...entry(), licence: 'CC0' }, sig, keys.publicKey), false);
  assert.equal(verifyEntry(entry(), sig, newKeyPair().publicKey), false);
  for (const junk of ['', 'not base64!', sig.slice(0, 20)]) assert.equal(verifyEntry(entry(), junk, keys.publicKey), false);
  assert.equal(verifyEntry(entry(), sig, 'short'), false);
});
