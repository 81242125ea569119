import type { RequestJob, UpdateJob } from '../port.ts';

/**
 * The resident's answers as a back-office reader needs them: each under its
 * question's text, options by their names, in the service's order. Answers
 * the service does not define (FixMyStreet's extras) keep their code.
 */
export function answerRows(job: RequestJob): [string, string][] {
  const questions = new Map((job.questions ?? []).map((q) => [q.code, q]));
  const order = (code: string) => questions.get(code)?.order ?? Number.MAX_SAFE_INTEGER;
  return Object.entries(job.request.attributes)
    .sort(([a], [b]) => order(a) - order(b))
    .map(([code, answer]) => {
      const q = questions.get(code);
      const names = new Map((q?.values ?? []).map((v) => [v.key, v.name]));
      return [q?.description || code, [answer].flat().map((v) => names.get(v) ?? v).join(', ')];
    });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The facts of a request as label/value pairs, in the order a back-office reader needs them. */
function facts(job: RequestJob, reference: string): [string, string][] {
  const r = job.request;
  const where = [r.location.address, r.location.lat !== undefined && r.location.long !== undefined ? `${r.location.lat}, ${r.location.long}` : undefined, r.location.uprn ? `UPRN ${r.location.uprn}` : undefined]
    .filter(Boolean)
    .join(' · ');
  const name = [job.contact.firstName, job.contact.lastName].filter(Boolean).join(' ');
  return [
    ['Reference', reference],
    ['Service', `${job.serviceName} (${r.serviceCode})`],
    ['Reported', r.requestedAt.toISOString()],
    ['Location', where || 'not given'],
    ['Description', r.description ?? ''],
    ...answerRows(job),
    ['Reported by', [name, job.contact.email, job.contact.phone].filter(Boolean).join(' · ') || 'anonymous'],
    ...(r.location.lat !== undefined && r.location.long !== undefined ? [['Map', `https://www.openstreetmap.org/?mlat=${r.location.lat}&mlon=${r.location.long}#map=18/${r.location.lat}/${r.location.long}`] as [string, string]] : []),
    ...r.mediaUrls.map((u, i) => [`Photo ${i + 1}`, u] as [string, string]),
  ];
}

const table = (rows: [string, string][]) =>
  `<table cellpadding="6" style="border-collapse:collapse">${rows
    .map(([k, v]) => `<tr><th align="left" valign="top" style="border-bottom:1px solid #ccc">${esc(k)}</th><td style="border-bottom:1px solid #ccc">${/^https?:\/\//.test(v) ? `<a href="${esc(v)}">${esc(v)}</a>` : esc(v).replace(/\n/g, '<br>')}</td></tr>`)
    .join('')}</table>`;

export function requestEmail(job: RequestJob, reference: string, prefix: string) {
  const rows = facts(job, reference);
  const r = job.request;
  return {
    subject: `${prefix} Report ${reference}: ${job.serviceName}${r.location.address ? ` at ${r.location.address}` : ''}`.trim(),
    text: `A new ${job.serviceName} request.\n\n${rows.map(([k, v]) => `${k}: ${v}`).join('\n')}\n\nQuote reference ${reference} in any reply: it is the number the resident was given.\n`,
    html: `<p>A new <strong>${esc(job.serviceName)}</strong> request.</p>${table(rows)}<p>Quote reference <strong>${esc(reference)}</strong> in any reply: it is the number the resident was given.</p>`,
  };
}

export function updateEmail(job: UpdateJob, prefix: string) {
  const u = job.update;
  const rows: [string, string][] = [
    ['Reference', job.reference],
    ['Service', job.serviceName],
    ['Update', u.description],
    ['Status', u.status],
    ['At', u.updatedAt.toISOString()],
    ...u.mediaUrls.map((m, i) => [`Photo ${i + 1}`, m] as [string, string]),
  ];
  return {
    subject: `${prefix} Report ${job.reference}: update from the resident`.trim(),
    text: `The resident added an update.\n\n${rows.map(([k, v]) => `${k}: ${v}`).join('\n')}\n`,
    html: `<p>The resident added an update.</p>${table(rows)}`,
  };
}
