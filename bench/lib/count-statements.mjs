// Loaded with `node --import` into a bench server: counts every statement the
// process sends through pg (Pool and Client share Client.prototype.query), by
// text, and answers {type:'pg-statements'} over IPC with the counts so far.
// Plain JavaScript so it loads before tsx.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pg = require('pg');
const counts = new Map();
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : config?.text;
  if (typeof text === 'string') counts.set(text, (counts.get(text) ?? 0) + 1);
  return original.call(this, config, ...rest);
};
process.on('message', (m) => {
  if (m?.type === 'pg-statements') process.send?.({ type: 'pg-statements', counts: [...counts] });
  if (m?.type === 'pg-statements-reset') counts.clear();
});
