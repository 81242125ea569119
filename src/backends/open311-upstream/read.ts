import { XMLParser } from 'fast-xml-parser';
import { DeliveryError } from '../port.ts';

type Item = Record<string, any>;

// Entities are not expanded: a hostile upstream cannot blow up memory with them.
const xml = new XMLParser({ processEntities: false, parseTagValue: false, ignoreDeclaration: true, isArray: (name) => name === 'request' || name === 'request_update' });

/**
 * Reads a GeoReport v2 list document: a JSON array, or XML
 * `<root><item>…</item></root>`. A reply that is neither is a retryable
 * DeliveryError (the upstream may be mid-deploy).
 */
export function readList(text: string, format: 'json' | 'xml', root: string, item: string, from: string): Item[] {
  try {
    if (format === 'json') {
      const doc = JSON.parse(text);
      if (!Array.isArray(doc)) throw new Error('not a list');
      return doc;
    }
    const doc = xml.parse(text);
    if (!doc || typeof doc !== 'object' || !(root in doc)) throw new Error(`no <${root}>`);
    const items = doc[root]?.[item] ?? [];
    return (items as Item[]).map((i) => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, v === '' ? undefined : v])));
  } catch (e) {
    throw new DeliveryError(`${from} sent a reply that is not a GeoReport v2 ${format.toUpperCase()} list (${(e as Error).message}): ${text.slice(0, 100)}`);
  }
}
