import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** One CSV line (RFC 4180); a cell a spreadsheet would run as a formula is prefixed with an apostrophe. */
export function csvLine(cells: string[]): string {
  return cells.map((c) => {
    const safe = /^[=+\-@\t\r]/.test(c) ? `'${c}` : c;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  }).join(',') + '\r\n';
}

/** Streams lines as a CSV download named `name`, never cached (it holds what the screen showed). */
export function sendCsv(reply: FastifyReply, name: string, lines: AsyncIterable<string>) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store').send(Readable.from(lines));
}
