/**
 * RFC 4180 CSV, both ways. Cells that a spreadsheet would run as a formula
 * (= + - @ at the start) are written with a leading apostrophe, so a file
 * opened in Excel cannot run what a resident typed.
 */
export function toCsv(rows: (string | number | null | undefined)[][]): string {
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(v: string | number | null | undefined): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Parses CSV text into rows with their starting line numbers; an unterminated quote is reported, not thrown. */
export function parseCsv(text: string): { rows: { line: number; cells: string[] }[]; error?: string } {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cur = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const t = text.replace(/^\uFEFF/, '');
  const endRow = () => {
    cells.push(cur);
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
    cur = '';
  };
  while (i < t.length) {
    const c = t[i];
    if (quoted) {
      if (c === '"' && t[i + 1] === '"') {
        cur += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cur += c;
      }
      i++;
      continue;
    }
    if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      cells.push(cur);
      cur = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && t[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cur += c;
    i++;
  }
  if (quoted) return { rows, error: `line ${rowLine}: a quoted cell is never closed` };
  if (cur !== '' || cells.length) endRow();
  return { rows };
}
