// A start-up bundle's source maps keep only the mappings of Pipework's own files (decision 0182). Node decodes a
// chunk's map the first time a stack trace passes through it and keeps it for the life of the process: with every
// package's mappings that was some 290,000 small arrays, about 28 MB, on the first error. A frame in a package keeps
// its place in the chunk, where esbuild's `// node_modules/<package>/<file>` comments name where it came from.

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The map's text with every mapping into a source that `isOwn` refuses turned into "no source" (a column only),
 * and its sources named by `locate` (esbuild names them relative to where it was told the bundle would be).
 */
export function ownMappings(text, { isOwn, locate }) {
  const map = JSON.parse(text);
  map.sources = map.sources.map(locate);
  const own = map.sources.map((source) => isOwn(source));
  const state = [0, 0, 0, 0]; // source, original line, original column, name: relative across the whole map
  const written = [0, 0, 0, 0];
  let unmapped = false; // a run of foreign segments needs only its first, which ends the mapping before it
  const lines = map.mappings.split(';').map((line) => {
    let column = 0;
    let writtenColumn = 0;
    const out = [];
    for (const segment of line ? line.split(',') : []) {
      const fields = decode(segment);
      column += fields[0];
      for (let i = 1; i < fields.length; i++) state[i - 1] += fields[i];
      const mine = fields.length > 1 && own[state[0]];
      if (!mine && unmapped) continue;
      unmapped = !mine;
      const values = [column - writtenColumn];
      writtenColumn = column;
      if (mine) {
        for (let i = 1; i < fields.length; i++) values.push(state[i - 1] - written[i - 1]);
        for (let i = 1; i < fields.length; i++) written[i - 1] = state[i - 1];
      }
      out.push(values.map(encode).join(''));
    }
    return out.join(',');
  });
  // Node reads a one-field segment as one only when a separator follows it: one at the very end gets a `;`.
  map.mappings = lines.join(';') + (unmapped ? ';' : '');
  return JSON.stringify(map);
}

function decode(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGITS.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encode(n) {
  let value = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    let digit = value & 31;
    value >>>= 5;
    if (value) digit |= 32;
    out += DIGITS[digit];
  } while (value);
  return out;
}
