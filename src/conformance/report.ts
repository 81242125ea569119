import { passed, type CheckResult, type Exchange, type Report } from './check.ts';
import { shorten } from './client.ts';

export const FORMATS = ['text', 'json', 'junit', 'html'] as const;
export type ReportFormat = (typeof FORMATS)[number];

const SNIPPET = 600;
const snippet = (s: string) => (s.length > SNIPPET ? `${s.slice(0, SNIPPET)}… (${s.length} characters)` : s);
const sentLine = (x: Exchange) => `${x.method} ${shorten(x.url)}${x.requestBody ? `\n  body: ${snippet(x.requestBody)}` : ''}`;
const receivedLine = (x: Exchange) => (x.status ? `HTTP ${x.status} ${x.contentType}\n  ${snippet(x.body).replace(/\n/g, '\n  ')}` : 'no answer');
const counts = (r: Report) => ({
  pass: r.results.filter((x) => x.outcome === 'pass').length,
  fail: r.results.filter((x) => x.outcome === 'fail').length,
  skip: r.results.filter((x) => x.outcome === 'skip').length,
});

export function renderReport(report: Report, format: ReportFormat, levels: Record<number, string> = {}): string {
  if (format === 'json') return JSON.stringify({ ...report, passed: passed(report), counts: counts(report) }, null, 2);
  if (format === 'junit') return junit(report);
  if (format === 'html') return html(report, levels);
  return text(report);
}

function text(r: Report): string {
  const lines = [`${r.suite} conformance of ${r.target}, up to level ${r.level}`];
  for (const x of r.results) {
    lines.push(`${x.outcome.toUpperCase().padEnd(4)} ${x.id}  ${x.title}`);
    if (x.outcome === 'skip') lines.push(`     skipped: ${x.message}`);
    if (x.outcome !== 'fail') continue;
    lines.push(`     why:      ${x.message}`, `     clause:   ${x.clause}`);
    if (x.exchange) lines.push(`     sent:     ${sentLine(x.exchange).replace(/\n/g, '\n     ')}`, `     received: ${receivedLine(x.exchange).replace(/\n/g, '\n     ')}`);
  }
  const c = counts(r);
  lines.push('', `${c.pass} passed, ${c.fail} failed, ${c.skip} skipped: ${passed(r) ? 'CONFORMS' : 'DOES NOT CONFORM'} at level ${r.level}`);
  return lines.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function junit(r: Report): string {
  const c = counts(r);
  const cases = r.results.map((x) => {
    const body =
      x.outcome === 'fail'
        ? `<failure message="${esc(x.message ?? '')}">${esc(`clause: ${x.clause}\n${x.exchange ? `sent: ${sentLine(x.exchange)}\nreceived: ${receivedLine(x.exchange)}` : ''}`)}</failure>`
        : x.outcome === 'skip'
          ? `<skipped message="${esc(x.message ?? '')}"/>`
          : '';
    return `    <testcase classname="${esc(`${r.suite}.level${x.level}`)}" name="${esc(`${x.id} ${x.title}`)}" time="${(x.ms / 1000).toFixed(3)}">${body}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${esc(`${r.suite} ${r.target}`)}" tests="${r.results.length}" failures="${c.fail}" skipped="${c.skip}" timestamp="${r.startedAt}">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>`;
}

/** A page a procurement officer can read: the verdict first, then each level in plain words, detail folded away. */
function html(r: Report, levels: Record<number, string>): string {
  const c = counts(r);
  const ok = passed(r);
  const byLevel = [...new Set(r.results.map((x) => x.level))].sort();
  const row = (x: CheckResult) => `
      <tr class="${x.outcome}">
        <td><strong class="tag ${x.outcome}">${{ pass: 'Passed', fail: 'Failed', skip: 'Not tested' }[x.outcome]}</strong></td>
        <td>${esc(x.title)}<br><small>${esc(x.id)} · ${esc(x.clause)}</small>${
          x.outcome === 'skip' ? `<p>${esc(x.message ?? '')}</p>` : ''
        }${
          x.outcome === 'fail'
            ? `<p>${esc(x.message ?? '')}</p>${x.exchange ? `<details><summary>What was sent and what came back</summary><pre>${esc(`Sent: ${sentLine(x.exchange)}\n\nReceived: ${receivedLine(x.exchange)}`)}</pre></details>` : ''}`
            : ''
        }</td>
      </tr>`;
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.suite)} conformance: ${esc(r.target)}</title>
<style>
  body { font-family: Arial, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #0b0c0c; line-height: 1.4; }
  .verdict { padding: 1rem 1.5rem; border-left: 10px solid; margin: 1.5rem 0; }
  .verdict.yes { border-color: #00703c; background: #e6f3ec; } .verdict.no { border-color: #d4351c; background: #fbe9e7; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; } td { border-bottom: 1px solid #b1b4b6; padding: .6rem .4rem; vertical-align: top; }
  .tag { display: inline-block; padding: .1rem .5rem; font-size: .9rem; } .tag.pass { background: #cce2d8; color: #005a30; }
  .tag.fail { background: #f4cdc6; color: #942514; } .tag.skip { background: #e0e0e0; color: #383f43; }
  small { color: #505a5f; } pre { white-space: pre-wrap; word-break: break-all; background: #f3f2f1; padding: .8rem; font-size: .85rem; }
</style>
</head>
<body>
<h1>Does this ${esc(r.suite)} service meet the standard?</h1>
<p>Service tested: <strong>${esc(r.target)}</strong><br>Tested on ${esc(r.startedAt.replace('T', ' at ').replace(/\.\d+Z$/, ' UTC'))}, up to level ${r.level}.</p>
<div class="verdict ${ok ? 'yes' : 'no'}">
  <h2>${ok ? `Yes: it meets level ${r.level}` : `No: it does not meet level ${r.level}`}</h2>
  <p>${c.pass} checks passed, ${c.fail} failed${c.skip ? `, ${c.skip} could not be tested with the data the service holds` : ''}.</p>
</div>
${byLevel
  .map(
    (level) => `<h2>Level ${level}${levels[level] ? `: ${esc(levels[level])}` : ''}</h2>
<table>${r.results.filter((x) => x.level === level).map(row).join('')}
</table>`,
  )
  .join('\n')}
<p><small>Each check names the clause of the standard it tests. A failed check shows the exact call made and the answer received, so the supplier can reproduce it.</small></p>
</body>
</html>`;
}
