import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { DeliveryError } from '../port.ts';

// The transport half of the rest kind: bodies encoded and answers decoded as
// JSON, XML or form, over the one HTTP exchange all adapters share (../http.ts).
// It knows nothing of requests or vendors.

export type Format = 'json' | 'xml' | 'form';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** The decoded body: JSON value, XML as an object (namespace prefixes dropped, attributes as "@_name"), or the text. */
  body: unknown;
  text: string;
}

// Answers: no DOCTYPE at all (so no entity can be declared and expanded), tag text kept as text.
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseTagValue: false, ignoreDeclaration: true, trimValues: true });
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false });

const CONTENT_TYPE: Record<Format, string> = { json: 'application/json', xml: 'application/xml; charset=utf-8', form: 'application/x-www-form-urlencoded' };

/** Encodes a template's result as a request body; a string is sent as it is. */
export function encodeBody(value: unknown, format: Format): { text: string; contentType: string } {
  if (typeof value === 'string') return { text: value, contentType: CONTENT_TYPE[format] };
  if (format === 'json') return { text: JSON.stringify(value), contentType: CONTENT_TYPE.json };
  if (format === 'form') {
    const fields = Object.entries((value ?? {}) as Record<string, unknown>).flatMap(([k, v]) => [v].flat().filter((x) => x !== undefined && x !== null).map((x) => [k, String(x)] as [string, string]));
    return { text: new URLSearchParams(fields).toString(), contentType: CONTENT_TYPE.form };
  }
  return { text: `<?xml version="1.0" encoding="utf-8"?>${builder.build(withoutNulls(value))}`, contentType: CONTENT_TYPE.xml };
}

// In XML a null is left out rather than sent as an empty element, which many schemas refuse for a typed field.
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(withoutNulls);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  return v;
}

/** Decodes an answer by its Content-Type (the configured format when it names none). */
export function decodeBody(text: string, contentType: string, format: Format, from: string): unknown {
  if (text.trim() === '') return null;
  const ct = contentType.toLowerCase();
  const kind = ct.includes('json') ? 'json' : ct.includes('xml') ? 'xml' : ct.startsWith('text/plain') || ct.startsWith('text/html') ? 'text' : format;
  try {
    if (kind === 'json') return JSON.parse(text);
    if (kind === 'xml') {
      if (/<!DOCTYPE/i.test(text)) throw new Error('a DOCTYPE is refused');
      return parser.parse(text, true);
    }
    return text;
  } catch (e) {
    throw new DeliveryError(`${from} sent a reply that is not ${kind === 'json' ? 'JSON' : 'XML'} (${(e as Error).message}): ${text.slice(0, 100)}`);
  }
}
