import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseReference, parseReference, REFERENCE_ALPHABET, referenceCodec } from './reference.ts';

const codec = referenceCodec('a secret for tests');

test('every id has its own reference, and the reference gives the id back', () => {
  const seen = new Set<string>();
  for (let id = 1; id <= 3000; id++) {
    const ref = codec.encode(String(id));
    assert.match(ref, /^[2-9A-HJKMNPQRTV-Z]{4}-[2-9A-HJKMNPQRTV-Z]{4}$/);
    assert.equal(codec.decode(ref), String(id));
    seen.add(ref);
  }
  assert.equal(seen.size, 3000);
  assert.equal(codec.decode(codec.encode('17249876308')), '17249876308');
});

test('neighbouring ids do not have neighbouring references, and another secret gives others', () => {
  const [a, b] = [codec.encode('1000'), codec.encode('1001')];
  assert.notEqual(a.slice(0, 6), b.slice(0, 6));
  assert.notEqual(referenceCodec('another secret').encode('1000'), a);
});

test('any one character mistyped, and any two swapped, fail the check', () => {
  for (const id of ['1', '42', '98765']) {
    const ref = normaliseReference(codec.encode(id));
    for (let i = 0; i < ref.length; i++) {
      for (const c of REFERENCE_ALPHABET) {
        if (c === ref[i]) continue;
        const typo = ref.slice(0, i) + c + ref.slice(i + 1);
        assert.deepEqual(parseReference(typo), { ok: false, reason: 'check' }, typo);
      }
      for (let j = i + 1; j < ref.length; j++) {
        if (ref[i] === ref[j]) continue;
        const s = [...ref];
        [s[i], s[j]] = [s[j], s[i]];
        assert.equal(parseReference(s.join('')).ok, false, s.join(''));
      }
    }
  }
});

test('references are read the way people type them', () => {
  const ref = codec.encode('7');
  assert.equal(codec.decode(ref.toLowerCase().replace('-', ' ')), '7');
  assert.equal(codec.decode(`#${ref}`), '7');
  assert.deepEqual(parseReference(normaliseReference('1042')), { ok: false, reason: 'format' });
  assert.deepEqual(parseReference(normaliseReference('ABCD-EFGO')), { ok: false, reason: 'format' });
});
