import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogues, translator } from './i18n.ts';
import { STATUSES } from '../core/statuses.ts';

const catalogues = loadCatalogues();
const dir = import.meta.dirname;
const sources = [
  ...readdirSync(join(dir, 'views')).map((f) => join(dir, 'views', f)),
  ...['fields.ts', 'question-view.ts', 'check-rows.ts', 'plugin.ts', 'render.ts'].map((f) => join(dir, f)),
  ...readdirSync(join(dir, 'routes')).map((f) => join(dir, 'routes', f)),
];

test('English and Welsh catalogues have the same keys, none empty', () => {
  assert.deepEqual(Object.keys(catalogues.cy).sort(), Object.keys(catalogues.en).sort());
  for (const [lang, c] of Object.entries(catalogues)) {
    for (const [k, v] of Object.entries(c)) assert.ok(v.trim() || k === 'and', `${lang}: ${k} is empty`);
  }
});

test('every literal key the pages and code use is in the catalogue', () => {
  const used = new Set<string>();
  for (const file of sources) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([\w.]+)'(?!\s*\+)/g)) used.add(m[1]);
  }
  // Keys built at run time: statuses, date parts, info pages, error pages, required-answer messages.
  for (const s of [...STATUSES, 'unchanged']) used.add(`status.${s}`);
  for (const k of ['day', 'month', 'year']) used.add(`date.${k}`);
  for (const p of ['accessibility', 'cookies', 'privacy']) used.add(`info.${p}.title`).add(`info.${p}.body`);
  for (const k of ['expired', 'tooMany', 'tooLarge', 'badRequest', 'problem']) used.add(`${k}.title`).add(`${k}.body`);
  assert.ok(used.size > 100, `found ${used.size} keys`);
  const missing = [...used].filter((k) => !(k in catalogues.en));
  assert.deepEqual(missing, []);
});

test('a translator fills in values and falls back to English, then to the key', () => {
  const cy = translator({ en: { a: 'Hello {name}', b: 'Only English' }, cy: { a: 'Helo {name}' } }, 'cy');
  assert.equal(cy('a', { name: 'Dewi' }), 'Helo Dewi');
  assert.equal(cy('b'), 'Only English');
  assert.equal(cy('c'), 'c');
});
