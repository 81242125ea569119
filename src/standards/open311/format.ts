import type { FastifyReply } from 'fastify';
import { removeControlChars } from '../../core/requests/validate.ts';

/** GeoReport v2 picks the response format from the path's extension: XML is required, JSON optional. */
export type Format = 'xml' | 'json';

export const CONTENT_TYPES: Record<Format, string> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** Splits `services.xml` into its name and format; undefined format when the extension is not one we serve. */
export function splitFormat(file: string): { name: string; format?: Format } {
  const dot = file.lastIndexOf('.');
  if (dot <= 0) return { name: file };
  const ext = file.slice(dot + 1).toLowerCase();
  return { name: file.slice(0, dot), format: ext === 'xml' || ext === 'json' ? ext : undefined };
}

/** The format a URL asks for, for rendering errors; XML when it cannot tell, as XML is the spec's required format. */
// The router ignores trailing slashes, so `requests.json/` asks for JSON too.
export const formatOfUrl = (url: string): Format => (/\.json\/*(\?|$)/i.test(url) ? 'json' : 'xml');

/** Wire values: null and undefined render as an empty element in XML and null in JSON. */
export type Wire = string | number | boolean | null | undefined | Wire[] | { [k: string]: Wire };

const SPECIAL = /[&<>'"]/;
const SPECIALS = /[&<>'"]/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };

/** `<name>` after its indentation; `</name>` ending a line; the same on a line of its own, for an element of elements. */
type Tags = [open: string, close: string, closeLine: string];
/** Tags by level, then name, made once: a page of 1,000 requests writes 25,000 elements of the few dozen names the wire objects use. */
const tags: Map<string, Tags>[] = [];
function tagsOf(name: string, level: number): Tags {
  const byName = (tags[level] ??= new Map());
  let t = byName.get(name);
  if (!t) {
    const pad = '  '.repeat(level);
    byName.set(name, (t = [`${pad}<${name}>`, `</${name}>\n`, `${pad}</${name}>\n`]));
  }
  return t;
}

/**
 * One element, indented two spaces a level, one element a line: an array
 * repeats its element, an object nests its keys, anything else is text.
 * Written here rather than through fast-xml-parser's builder, whose
 * general-purpose walk took ten times as long as JSON.stringify on a page
 * of 1,000 requests (decision 0188); format.test.ts keeps the output the same.
 * Text is appended, never copied into a new string with its tags: under
 * `npm start`'s 4 MB young generation those copies were most of the cost.
 */
function element(name: string, value: Wire, level: number): string {
  if (Array.isArray(value)) {
    let out = '';
    for (const v of value) out += element(name, v, level);
    return out;
  }
  const [open, close, closeLine] = tagsOf(name, level);
  if (value !== null && typeof value === 'object') {
    let inner = '';
    for (const key in value) inner += element(key, value[key], level + 1);
    return inner ? open + '\n' + inner + closeLine : open + close;
  }
  // Rows stored before input was cleaned may hold characters XML 1.0 cannot carry: never write them.
  const text = value === null || value === undefined ? '' : removeControlChars(String(value));
  return open + (SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ENTITY[c]) : text) + close;
}

/** The XML document of an element tree: `{ services: { service: [...] } }` (Spark convention). */
export function xmlDocument(tree: Record<string, Wire>): string {
  let out = '<?xml version="1.0" encoding="utf-8"?>\n';
  for (const key in tree) out += element(key, tree[key], 0);
  return out;
}

/**
 * Renders a document both ways. `xml` is the element tree (Spark convention:
 * `{ services: { service: [...] } }`); `json` the programmatic mapping of it.
 */
export function render(format: Format, xml: Record<string, Wire>, json: Wire): string {
  if (format === 'json') return JSON.stringify(json);
  return xmlDocument(xml);
}

/** A list document: `<root><item>…</item>…</root>` or a JSON array. */
export function renderList(format: Format, root: string, item: string, items: Record<string, Wire>[]): string {
  return render(format, { [root]: items.length ? { [item]: items } : '' }, items);
}

export function send(reply: FastifyReply, format: Format, body: string, status = 200) {
  reply.code(status).header('content-type', CONTENT_TYPES[format]);
  // A HEAD answer has the headers of the GET and never a body.
  return reply.send(reply.request.method === 'HEAD' ? '' : body);
}
