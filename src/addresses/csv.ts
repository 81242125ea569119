import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Rows of a CSV file (RFC 4180: quoted fields may hold commas, doubled quotes
 * and line breaks), read a line at a time so a 500,000-address extract never
 * sits in memory whole. Yields each row as its fields, with the 1-based line
 * it started on.
 */
export async function* csvRows(file: string): AsyncGenerator<{ line: number; fields: string[] }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let pending = '';
  let startLine = 0;
  let n = 0;
  for await (const raw of lines) {
    n++;
    const text = pending ? `${pending}\n${raw}` : raw.replace(/^\uFEFF/, '');
    if (!pending) startLine = n;
    // An odd number of quotes so far: the record goes on past this line break.
    if ((text.match(/"/g)?.length ?? 0) % 2 === 1) {
      pending = text;
      continue;
    }
    pending = '';
    if (text.trim() === '') continue;
    yield { line: startLine, fields: splitRecord(text) };
  }
  if (pending) yield { line: startLine, fields: splitRecord(pending) };
}

function splitRecord(text: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(field), (field = '');
    else field += c;
  }
  out.push(field);
  return out.map((f) => f.trim());
}
