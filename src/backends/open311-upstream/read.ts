import { XMLParser } from 'fast-xml-parser';
import { DeliveryError } from '../port.ts';
import { countOffSpec } from '../off-spec.ts';

type Item = Record<string, any>;

// Entities are not expanded: a hostile upstream cannot blow up memory with them.
const xml = new XMLParser({ processEntities: false, parseTagValue: false, ignoreDeclaration: true, isArray: (name) => ['request', 'request_update', 'error', 'service'].includes(name) });

/** A list the upstream sent, and what was off about it (each said plainly, for the delivery's note and the log). */
export interface ReadList {
  items: Item[];
  notes: string[];
}

/** An error document (GeoReport v2 `[{code, description}]`, or the `{code, detail}` some servers send). */
export interface UpstreamError {
  code: string;
  description: string;
}

const blankToUndefined = (i: Item) => Object.fromEntries(Object.entries(i).map(([k, v]) => [k, v === '' ? undefined : v]));
const asError = (e: Item): UpstreamError | undefined => {
  if (!e || typeof e !== 'object') return undefined;
  const text = e.description ?? e.detail ?? e.message;
  return e.code !== undefined && text !== undefined && e.service_request_id === undefined ? { code: String(e.code), description: String(text) } : undefined;
};

/**
 * Reads the errors an answer carries, however the upstream spelled them:
 * `[{code, description}]` (the spec), `{code, detail}`, `{errors: […]}`, or
 * XML `<errors><error>…`. Empty when the text is not an error document.
 */
export function readErrors(text: string): UpstreamError[] {
  try {
    const t = text.trim();
    if (t.startsWith('<')) {
      const doc = xml.parse(t);
      return ((doc?.errors?.error ?? []) as Item[]).flatMap((e) => asError(e) ?? []);
    }
    const doc = JSON.parse(t);
    const list = Array.isArray(doc) ? doc : Array.isArray(doc?.errors) ? doc.errors : [doc];
    const errors = list.map(asError);
    return errors.every(Boolean) ? (errors as UpstreamError[]) : [];
  } catch {
    return [];
  }
}

/**
 * Reads a GeoReport v2 list document tolerantly: the spec's JSON array or
 * XML `<root><item>…</item></root>`, and also what real servers send instead
 * (another XML root such as `<requests>`, a JSON object wrapping the list, a
 * single object), noting each departure. An error document, or a reply that is
 * no list at all, is a DeliveryError (retryable: the upstream may be
 * mid-deploy; not retryable when it names a 4xx code).
 */
export function readList(text: string, format: 'json' | 'xml', root: string, item: string, from: string): ReadList {
  const read = readListAsIs(text, format, root, item, from);
  if (read.notes.length) countOffSpec(from);
  return read;
}

function readListAsIs(text: string, format: 'json' | 'xml', root: string, item: string, from: string): ReadList {
  const errors = readErrors(text);
  if (errors.length) {
    const clientError = errors.some((e) => /^4\d\d$/.test(e.code));
    throw new DeliveryError(`${from} answered with an error: ${errors.map((e) => `${e.code} ${e.description}`).join('; ').slice(0, 300)}`, !clientError);
  }
  const notes: string[] = [];
  const t = text.trim();
  try {
    const looksXml = t.startsWith('<');
    if (looksXml !== (format === 'xml')) notes.push(`${from} answered in ${looksXml ? 'XML' : 'JSON'} although ${format.toUpperCase()} was asked for`);
    if (!looksXml) {
      const doc = JSON.parse(t);
      if (Array.isArray(doc)) return { items: doc, notes };
      if (doc && typeof doc === 'object') {
        const wrapped = Object.entries(doc).find(([, v]) => Array.isArray(v));
        if (wrapped) {
          notes.push(`${from} wrapped the list in an object ("${wrapped[0]}") instead of sending a JSON array`);
          return { items: wrapped[1] as Item[], notes };
        }
        notes.push(`${from} sent one object instead of a JSON array`);
        return { items: [doc], notes };
      }
      throw new Error('not a list');
    }
    const doc = xml.parse(t);
    if (!doc || typeof doc !== 'object') throw new Error('no root element');
    const roots = Object.keys(doc).filter((k) => !k.startsWith('?'));
    let name = roots.includes(root) ? root : undefined;
    if (!name) {
      // Another root element (e.g. <requests> for <service_requests>): take the one that holds the items.
      name = roots.find((k) => doc[k] && typeof doc[k] === 'object' && item in doc[k]) ?? (roots.length === 1 ? roots[0] : undefined);
      if (!name) throw new Error(`no <${root}>`);
      notes.push(`${from} answered with root element <${name}> instead of <${root}>`);
    }
    const items = doc[name]?.[item] ?? [];
    return { items: (items as Item[]).map(blankToUndefined), notes };
  } catch (e) {
    throw new DeliveryError(`${from} sent a reply that is not a GeoReport v2 ${format.toUpperCase()} list (${(e as Error).message}): ${t.slice(0, 100)}`);
  }
}
