import { readFileSync } from 'node:fs';

/**
 * The Local Government Service List codes GOV.UK links to councils, shipped
 * as patterns/lgsl-services.csv (Open Government Licence). Read once, on first use.
 */
let codes: Map<number, string> | undefined;

export function lgslServices(): Map<number, string> {
  if (codes) return codes;
  const text = readFileSync(new URL('../../patterns/lgsl-services.csv', import.meta.url), 'utf8');
  codes = new Map();
  for (const line of text.split(/\r?\n/).slice(1)) {
    const m = /^(\d+),("(?:[^"]|"")*"|[^,]*)/.exec(line);
    if (m) codes.set(Number(m[1]), m[2].replace(/^"|"$/g, '').replace(/""/g, '"'));
  }
  return codes;
}

export const isLgslCode = (code: number) => lgslServices().has(code);
