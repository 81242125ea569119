import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeEntry } from './feed-rules.ts';
import { entryDigest, newKeyPair, signEntry, type SignedEntry } from './signing.ts';

const entry: SignedEntry = { publisher: { id: 'a', name: 'A' }, id: 'p', version: '1.0.0', licence: 'OGL-UK-3.0', published_at: '2026-12-01T00:00:00Z', document: { id: 'p' } };
const a = newKeyPair();
const other = newKeyPair();
const sig = (e = entry, k = a) => ({ alg: 'Ed25519', key_id: k.keyId, value: signEntry(e, k.privateKey) });

test('a first sight is accepted and pins the feed\'s key; a later sight of the same bytes is "already"', () => {
  assert.deepEqual(judgeEntry({ entry, signature: sig(), feedKey: a.publicKey, pinnedKey: undefined, seenDigest: undefined }), { accept: true, digest: entryDigest(entry), pin: a.publicKey, already: false });
  assert.deepEqual(judgeEntry({ entry, signature: sig(), feedKey: a.publicKey, pinnedKey: a.publicKey, seenDigest: entryDigest(entry) }), { accept: true, digest: entryDigest(entry), pin: undefined, already: true });
});

test('refused: no key, a key other than the pinned one, a signature by another key, a wrong algorithm, a changed version', () => {
  const reason = (v: ReturnType<typeof judgeEntry>) => (v.accept ? 'accepted' : v.reason);
  assert.equal(reason(judgeEntry({ entry, signature: sig(), feedKey: undefined, pinnedKey: undefined, seenDigest: undefined })), 'signature');
  assert.equal(reason(judgeEntry({ entry, signature: sig(entry, other), feedKey: other.publicKey, pinnedKey: a.publicKey, seenDigest: undefined })), 'key_changed');
  assert.equal(reason(judgeEntry({ entry, signature: sig(entry, other), feedKey: a.publicKey, pinnedKey: a.publicKey, seenDigest: undefined })), 'signature');
  assert.equal(reason(judgeEntry({ entry, signature: { ...sig(), alg: 'RS256' }, feedKey: a.publicKey, pinnedKey: undefined, seenDigest: undefined })), 'signature');
  assert.equal(reason(judgeEntry({ entry, signature: undefined, feedKey: a.publicKey, pinnedKey: undefined, seenDigest: undefined })), 'signature');
  const republished = { ...entry, document: { id: 'p', changed: true } };
  assert.equal(reason(judgeEntry({ entry: republished, signature: sig(republished), feedKey: a.publicKey, pinnedKey: a.publicKey, seenDigest: entryDigest(entry) })), 'changed');
});
