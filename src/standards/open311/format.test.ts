import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { xmlDocument, type Wire } from './format.ts';
import { removeControlChars } from '../../core/requests/validate.ts';

// The builder the XML writer replaced, with the preparation it needed: the writer must write what it wrote.
const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false });
const forBuilder = (value: Wire): unknown => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(forBuilder);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forBuilder(v)]));
  return removeControlChars(String(value));
};
const byBuilder = (tree: Record<string, Wire>) => `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(forBuilder(tree))}`;

/** A deterministic random tree of the shapes the wire objects use: text, numbers, booleans, nulls, lists of elements, nested elements. */
function tree(seed: number) {
  let x = seed;
  const next = () => ((x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const pieces = ['a', 'Pothole', ' ', '&', '<', '>', "'", '"', '&amp;', ']]>', '\u0001', '\u000b', 'é', '😀', '\n', '0', '-1.5', '\ufffe'];
  const text = () => Array.from({ length: Math.floor(next() * 6) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
  const leaf = (): Wire => [text, () => Math.floor(next() * 1000) - 500, () => next() < 0.5, () => null, () => undefined, () => ''][Math.floor(next() * 6)]();
  const node = (depth: number): Wire => {
    const r = next();
    if (depth > 3 || r < 0.5) return leaf();
    if (r < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => (next() < 0.5 ? leaf() : obj(depth + 1)));
    return obj(depth + 1);
  };
  const obj = (depth: number): { [k: string]: Wire } =>
    Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, (_, i) => [`k${i}_${Math.floor(next() * 3)}`, node(depth)]));
  return { root: node(0) } as Record<string, Wire>;
}

test('the XML writer writes what fast-xml-parser\'s builder wrote, escapes the five specials and drops what XML 1.0 cannot carry', () => {
  for (let seed = 1; seed <= 3000; seed++) {
    const t = tree(seed);
    assert.equal(xmlDocument(t), byBuilder(t), `seed ${seed}: ${JSON.stringify(t)}`);
  }
  const doc = xmlDocument({ service_requests: { request: [{ description: `Fish & "chips" <here> it's\u0001`, lat: 51.5, flag: false, empty: null }] } });
  assert.equal(
    doc,
    '<?xml version="1.0" encoding="utf-8"?>\n<service_requests>\n  <request>\n    <description>Fish &amp; &quot;chips&quot; &lt;here&gt; it&apos;s</description>\n' +
      '    <lat>51.5</lat>\n    <flag>false</flag>\n    <empty></empty>\n  </request>\n</service_requests>\n',
  );
  const parsed = new XMLParser().parse(doc);
  assert.equal(parsed.service_requests.request.description, `Fish & "chips" <here> it's`);
});
