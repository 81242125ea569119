// Server-drawn SVG charts for the dashboard: plain markup (no script, no
// inline styles, so the page's CSP allows them), each an image with a title
// and description for assistive technology; the page puts a table of the same
// figures beside every chart, which is the accessible form of the data.

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** GOV.UK colours with enough contrast on white (WCAG 1.4.11). */
export const COLOURS = ['#1d70b8', '#d4351c', '#00703c', '#4c2c92'];

export interface Series {
  name: string;
  values: number[];
}

const niceMax = (n: number) => {
  if (n <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= n) ?? 10 * p;
};

function legend(series: Series[], y: number) {
  return series
    .map((s, i) => `<rect x="${10 + i * 160}" y="${y}" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/><text x="${28 + i * 160}" y="${y + 11}">${esc(s.name)}</text>`)
    .join('');
}

/** Bars per day (or any category along the bottom), one bar per series side by side. */
export function columnChart(opts: { id: string; title: string; description: string; labels: string[]; series: Series[]; labelEvery?: number }): string {
  const W = 720, H = 260, left = 40, bottom = 40, top = 30;
  const plotW = W - left - 10, plotH = H - top - bottom;
  const max = niceMax(Math.max(0, ...opts.series.flatMap((s) => s.values)));
  const slot = plotW / Math.max(1, opts.labels.length);
  const bar = Math.max(1, (slot * 0.8) / opts.series.length);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const ticks = [0, max / 2, max].map((t) => `<line x1="${left}" x2="${W - 10}" y1="${y(t)}" y2="${y(t)}" stroke="#b1b4b6"/><text x="${left - 4}" y="${y(t) + 4}" text-anchor="end">${Math.round(t)}</text>`).join('');
  const bars = opts.series
    .map((s, si) => s.values.map((v, i) => `<rect x="${(left + i * slot + slot * 0.1 + si * bar).toFixed(1)}" y="${y(v).toFixed(1)}" width="${bar.toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" fill="${COLOURS[si % COLOURS.length]}"/>`).join(''))
    .join('');
  const every = opts.labelEvery ?? 1;
  const labels = opts.labels.map((l, i) => (i % every === 0 ? `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle">${esc(l)}</text>` : '')).join('');
  return svg(opts, W, H, `${ticks}${bars}${labels}${legend(opts.series, H - 16)}`);
}

/** Horizontal bars, one row per category (a service), one bar per series. */
export function barChart(opts: { id: string; title: string; description: string; labels: string[]; series: Series[]; unit?: string }): string {
  const left = 190, W = 720, rowH = 14 * opts.series.length + 12, top = 10;
  const H = top + rowH * opts.labels.length + 34;
  const max = niceMax(Math.max(0, ...opts.series.flatMap((s) => s.values)));
  const plotW = W - left - 60;
  const rows = opts.labels
    .map((l, i) => {
      const y0 = top + i * rowH;
      const bars = opts.series
        .map((s, si) => {
          const v = s.values[i] ?? 0;
          const w = (v / max) * plotW;
          return `<rect x="${left}" y="${y0 + si * 14}" width="${w.toFixed(1)}" height="12" fill="${COLOURS[si % COLOURS.length]}"/><text x="${(left + w + 4).toFixed(1)}" y="${y0 + si * 14 + 10}">${v}${opts.unit ?? ''}</text>`;
        })
        .join('');
      const name = l.length > 28 ? `${l.slice(0, 27)}…` : l;
      return `<text x="${left - 6}" y="${y0 + 11}" text-anchor="end">${esc(name)}</text>${bars}`;
    })
    .join('');
  return svg(opts, W, H, `${rows}${legend(opts.series, H - 16)}`);
}

function svg(opts: { id: string; title: string; description: string }, w: number, h: number, body: string) {
  return `<svg class="staff-chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-labelledby="${opts.id}-title ${opts.id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="${opts.id}-title">${esc(opts.title)}</title><desc id="${opts.id}-desc">${esc(opts.description)}</desc>${body}</svg>`;
}
