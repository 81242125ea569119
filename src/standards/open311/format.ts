import { XMLBuilder } from 'fast-xml-parser';
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

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false });

/** Wire values: null and undefined render as an empty element in XML and null in JSON. */
export type Wire = string | number | boolean | null | undefined | Wire[] | { [k: string]: Wire };

function forXml(value: Wire): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(forXml);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, forXml(v)]));
  // Rows stored before input was cleaned may hold characters XML 1.0 cannot carry: never write them.
  return removeControlChars(String(value));
}

/**
 * Renders a document both ways. `xml` is the element tree (Spark convention:
 * `{ services: { service: [...] } }`); `json` the programmatic mapping of it.
 */
export function render(format: Format, xml: Record<string, Wire>, json: Wire): string {
  if (format === 'json') return JSON.stringify(json);
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(forXml(xml))}`;
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
