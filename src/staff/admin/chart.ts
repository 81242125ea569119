import type { LatencySeries } from '../../routing/report.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// GOV.UK colours with enough contrast against white, one per back-end.
const COLOURS = ['#1d70b8', '#d4351c', '#00703c', '#4c2c92', '#b58840', '#912b88'];
const W = 640;
const H = 260;
const PAD = { left: 64, right: 16, top: 16, bottom: 40 };
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'Europe/London' });

/**
 * Delivery latency over time as an inline SVG line chart, drawn on the
 * server so it needs no script. It is an image with a text name; the same
 * figures are in a table beside it for those who cannot see it.
 */
export function latencyChart(series: LatencySeries[], id: string): string {
  const all = series.flatMap((s) => s.points);
  if (!all.length) return '';
  const t0 = Math.min(...all.map((p) => Date.parse(p.at)));
  const t1 = Math.max(...all.map((p) => Date.parse(p.at)));
  const maxMs = Math.max(1, ...all.map((p) => p.p50Ms));
  const x = (at: string) => PAD.left + (t1 === t0 ? (W - PAD.left - PAD.right) / 2 : ((Date.parse(at) - t0) / (t1 - t0)) * (W - PAD.left - PAD.right));
  const y = (ms: number) => H - PAD.bottom - (ms / maxMs) * (H - PAD.top - PAD.bottom);
  const out: string[] = [];
  out.push(`<svg class="staff-chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}-title" xmlns="http://www.w3.org/2000/svg">`);
  out.push(`<title id="${id}-title">Median delivery time in milliseconds over time, for ${esc(series.map((s) => s.backend).join(' and '))}</title>`);
  for (const f of [0, 0.5, 1]) {
    const ms = Math.round(maxMs * f);
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(ms)}" y2="${y(ms)}" stroke="#b1b4b6" stroke-width="1"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${y(ms) + 4}" text-anchor="end" font-size="12" fill="#0b0c0c">${ms} ms</text>`);
  }
  out.push(`<text x="${PAD.left}" y="${H - 20}" font-size="12" fill="#0b0c0c">${esc(time.format(new Date(t0)))}</text>`);
  if (t1 !== t0) out.push(`<text x="${W - PAD.right}" y="${H - 20}" text-anchor="end" font-size="12" fill="#0b0c0c">${esc(time.format(new Date(t1)))}</text>`);
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pts = s.points.map((p) => `${x(p.at).toFixed(1)},${y(p.p50Ms).toFixed(1)}`);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.join(' ')}"/>`);
    for (const p of s.points) out.push(`<circle cx="${x(p.at).toFixed(1)}" cy="${y(p.p50Ms).toFixed(1)}" r="3.5" fill="${colour}"/>`);
    out.push(`<rect x="${PAD.left + i * 150}" y="${H - 12}" width="10" height="10" fill="${colour}"/><text x="${PAD.left + i * 150 + 14}" y="${H - 3}" font-size="12" fill="#0b0c0c">${esc(s.backend)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
