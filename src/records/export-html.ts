import type { exportPerson } from '../core/records/records.ts';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A subject-access export as one readable page, to send to the person alongside the JSON. */
export function renderExportHtml(found: Awaited<ReturnType<typeof exportPerson>>): string {
  const who = esc(found.person.email ?? found.person.phone);
  const rows = found.requests
    .map(({ request: r, contact, history }) => {
      const updates = history.map((u) => `<li><time>${esc(u.updatedAt.toISOString())}</time> ${esc(u.status)} — ${esc(u.description)}</li>`).join('');
      const answers = Object.entries(r.attributes).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(Array.isArray(v) ? v.join(', ') : v)}</dd>`).join('');
      const c = contact ? [contact.firstName, contact.lastName, contact.email, contact.phone].filter(Boolean).map(esc).join(', ') : 'none';
      return `<section><h2>Report ${esc(r.id)}: ${esc(r.serviceCode)}</h2><dl><dt>Reported</dt><dd>${esc(r.requestedAt.toISOString())}</dd><dt>Status</dt><dd>${esc(r.status)}</dd><dt>Description</dt><dd>${esc(r.description)}</dd><dt>Place</dt><dd>${esc(r.location.address ?? [r.location.lat, r.location.long].filter((x) => x !== undefined).join(', '))}</dd><dt>Contact details</dt><dd>${c}</dd>${answers}</dl><h3>History</h3><ul>${updates || '<li>None</li>'}</ul></section>`;
    })
    .join('\n');
  const comments = found.comments.map((u) => `<li>On report ${esc(u.requestId)}, <time>${esc(u.updatedAt.toISOString())}</time>: ${esc(u.description)}</li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your records: ${who}</title></head><body><main><h1>What the council holds about ${who}</h1><p>Prepared ${esc(found.access.receivedAt.toISOString().slice(0, 10))}. ${found.requests.length} report(s).</p>${rows || '<p>No reports.</p>'}${comments ? `<h2>Your comments on other reports</h2><ul>${comments}</ul>` : ''}</main></body></html>\n`;
}
