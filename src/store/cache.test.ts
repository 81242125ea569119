import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogueCache } from './cache.ts';

const counter = () => {
  let reads = 0;
  let value = 'a';
  return {
    part: { get: async (k: string) => (reads++, `${value}:${k}`), set: async (v: string) => void (value = v) },
    reads: () => reads,
  };
};

test('reads are cached per key; any other method clears the cache', async () => {
  const c = counter();
  const part = catalogueCache({ ttlMs: 60_000 }).wrap('t', c.part, { get: (k: string) => k });
  assert.equal(await part.get('x'), 'a:x');
  assert.equal(await part.get('x'), 'a:x');
  assert.equal(c.reads(), 1);
  await part.set('b');
  assert.equal(await part.get('x'), 'b:x');
  assert.equal(c.reads(), 2);
});

test('an entry expires after the TTL, and when the external version moves', async () => {
  const c = counter();
  let version = 1;
  const part = catalogueCache({ ttlMs: 30, externalVersion: () => version }).wrap('t', c.part, { get: (k: string) => k });
  await part.get('x');
  version = 2;
  await part.get('x');
  assert.equal(c.reads(), 2);
  await new Promise((r) => setTimeout(r, 40));
  await part.get('x');
  assert.equal(c.reads(), 3);
});

test('a TTL of 0 turns the cache off', async () => {
  const c = counter();
  const part = catalogueCache({ ttlMs: 0 }).wrap('t', c.part, { get: (k: string) => k });
  await part.get('x');
  await part.get('x');
  assert.equal(c.reads(), 2);
});

test('lookups of ever new keys (unknown service codes from clients) do not grow the cache without bound', async () => {
  const c = counter();
  const part = catalogueCache({ ttlMs: 60_000 }).wrap('t', c.part, { get: (k: string) => k });
  for (let i = 0; i < 25_000; i++) await part.get(`code-${i}`);
  // Still correct after the cache has started again.
  assert.equal(await part.get('code-1'), 'a:code-1');
});
