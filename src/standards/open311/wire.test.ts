import { test } from 'node:test';
import assert from 'node:assert/strict';
import { w3c } from './wire.ts';

test('w3c writes whole-second UTC datetimes as toISOString does, across days, before 1970 and outside four-digit years', () => {
  const slow = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const dates = [
    new Date(0), new Date(-1), new Date(999), new Date(86_399_999), new Date(86_400_000),
    new Date(Date.UTC(2026, 11, 2, 23, 59, 59, 999)), new Date(Date.UTC(2026, 11, 3, 0, 0, 0, 1)),
    new Date(Date.UTC(-5, 0, 1, 3, 4, 5)), new Date(Date.UTC(12000, 5, 1, 12, 30, 0)),
    ...Array.from({ length: 500 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 1_234_567_891)),
  ];
  // In order and shuffled: the day part is remembered from one call to the next.
  for (const d of [...dates, ...[...dates].reverse()]) assert.equal(w3c(d), slow(d), String(d.getTime()));
  assert.equal(w3c(undefined), null);
  assert.throws(() => w3c(new Date(NaN)), RangeError);
});
