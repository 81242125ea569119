import assert from 'node:assert/strict';
import { problemsOf, type Shape } from '../../src/standards/openreferral/schemas.ts';

/** Fails with every schema problem when `value` is not a valid ORUK `shape`. */
export function assertOruk(shape: Shape, value: unknown, what: string = shape) {
  const problems = problemsOf(shape, value);
  assert.deepEqual(problems, [], `${what} is not a valid ORUK ${shape}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
}

/** A list page: its envelope, each item against `item`, and the envelope's numbers agreeing with each other. */
export function assertOrukPage(item: Shape, body: any, expected: { page: number; perPage: number }) {
  assertOruk('page', body, 'the page envelope');
  body.contents.forEach((c: unknown, i: number) => assertOruk(item, c, `contents[${i}]`));
  assert.equal(body.page_number, expected.page);
  assert.equal(body.total_pages, Math.ceil(body.total_items / expected.perPage));
  assert.equal(body.size, body.contents.length);
  assert.equal(body.first_page, expected.page === 1);
  assert.equal(body.last_page, expected.page >= body.total_pages);
  assert.equal(body.empty, body.contents.length === 0);
  const left = Math.max(0, body.total_items - (expected.page - 1) * expected.perPage);
  assert.equal(body.contents.length, Math.min(expected.perPage, left), 'items on this page');
}

/** No key anywhere in the document holds null: optional fields are left out. */
export function assertNoNulls(value: unknown, path = '$') {
  if (value === null) assert.fail(`${path} is null`);
  if (Array.isArray(value)) value.forEach((v, i) => assertNoNulls(v, `${path}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) assertNoNulls(v, `${path}.${k}`);
}
