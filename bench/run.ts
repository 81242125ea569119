/**
 * `npm run bench [-- --quick] [-- --only NAME[,NAME]]` (or `-- --render`, which only rewrites latest.md from latest.json): runs every
 * bench/sections/*.ts (each exports `default async ({ quick }) => BenchRow[]`),
 * prints one table, and writes it to docs/benchmarks/latest.json and
 * latest.md. With --only, the other sections keep their last figures in
 * those files (each section notes when it ran and whether it was --quick).
 * A section that throws is reported as a failed row; the others still run. Exit code 1 when a section failed, 0 otherwise (missed targets
 * are reported, not fatal: the table is the result).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { BenchRow, BenchSection } from './types.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const sectionsDir = join(root, 'bench', 'sections');

function usage(message: string): never {
  console.error(`${message}\nusage: npm run bench [-- --quick] [-- --only SECTION[,SECTION]]`);
  process.exit(64);
}

function parseArgs(argv: string[]) {
  let quick = false;
  let only: string[] | undefined;
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === '--quick') quick = true;
    else if (argv[k] === '--only') {
      if (!argv[k + 1]) usage('--only needs a section name');
      only = argv[++k].split(',').map((s) => s.trim()).filter(Boolean);
    } else usage(`unknown option ${argv[k]}`);
  }
  return { quick, only };
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1));
const verdict = (r: BenchRow) => (r.met === undefined ? '' : r.met ? 'met' : 'NOT met');

function table(rows: BenchRow[]): string[][] {
  return [['section', 'measure', 'value', 'unit', 'target', 'result', 'note'], ...rows.map((r) => [r.section, r.name, fmt(r.value), r.unit, r.target ?? '', verdict(r), r.note ?? ''])];
}

function printTable(rows: BenchRow[]) {
  const t = table(rows);
  const widths = t[0].map((_, c) => Math.min(60, Math.max(...t.map((row) => row[c].length))));
  for (const [i, row] of t.entries()) {
    console.log(row.map((cell, c) => (c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

function markdown(runs: SectionRun[], meta: { machine: string; finishedAt: string }): string {
  const t = table(runs.flatMap((r) => r.rows));
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    '# Benchmark results',
    '',
    `Written ${meta.finishedAt} by \`npm run bench\` (bench/run.ts) on ${meta.machine}. See docs/performance.md for what each figure means.`,
    '',
    '| section | run | mode | seconds |',
    '|---|---|---|---:|',
    ...runs.map((r) => `| ${r.file} | ${r.finishedAt} | ${r.quick ? 'quick' : 'full'} | ${r.seconds} |`),
    '',
    `| ${t[0].join(' | ')} |`,
    `|${t[0].map((_, c) => (c === 2 ? '---:' : '---')).join('|')}|`,
    ...t.slice(1).map((row) => `| ${row.map(esc).join(' | ')} |`),
    '',
  ];
  return lines.join('\n');
}

async function main() {
  // `--render`: rewrite latest.md from latest.json alone (after joining two branches' figures).
  if (process.argv.includes('--render')) {
    const out = join(root, 'docs', 'benchmarks');
    const saved = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as { machine: string; finishedAt: string; runs: SectionRun[] };
    writeFileSync(join(out, 'latest.md'), markdown(saved.runs, saved));
    return;
  }
  const { quick, only } = parseArgs(process.argv.slice(2));
  const files = readdirSync(sectionsDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  const chosen = only ? files.filter((f) => only.includes(f.replace(/\.ts$/, ''))) : files;
  if (only && chosen.length !== only.length) usage(`no such section: ${only.filter((o) => !files.includes(`${o}.ts`)).join(', ')} (have: ${files.map((f) => f.replace(/\.ts$/, '')).join(', ')})`);

  // Pipework runs from its start-up bundle (decision 0181): built here if a source changed since, so that no
  // section's first start (its RSS, its start-up time) includes building it.
  execFileSync(process.execPath, [join(root, 'bin', 'pipework.js'), 'version'], { stdio: 'ignore' });
  const started = Date.now();
  const runs: SectionRun[] = [];
  let failed = false;
  for (const file of chosen) {
    const name = file.replace(/\.ts$/, '');
    const t0 = Date.now();
    console.error(`bench: ${name}${quick ? ' (quick)' : ''}…`);
    let rows: BenchRow[];
    try {
      const mod = (await import(pathToFileURL(join(sectionsDir, file)).href)) as { default: BenchSection };
      rows = await mod.default({ quick });
    } catch (err) {
      failed = true;
      console.error(`bench: ${name} failed:`, err);
      rows = [{ section: name, name: 'section failed', value: 0, unit: '', met: false, note: String((err as Error)?.message ?? err).slice(0, 200) }];
    }
    const seconds = Math.round((Date.now() - t0) / 1000);
    console.error(`bench: ${name} took ${seconds} s`);
    runs.push({ file: name, quick, finishedAt: new Date().toISOString(), seconds, rows });
  }

  printTable(runs.flatMap((r) => r.rows));
  const out = join(root, 'docs', 'benchmarks');
  mkdirSync(out, { recursive: true });
  // With --only, the other sections keep their last figures: the files always hold one whole table.
  const kept = only ? previousRuns(join(out, 'latest.json')).filter((r) => !only.includes(r.file) && files.includes(`${r.file}.ts`)) : [];
  const all = [...kept, ...runs].sort((a, b) => a.file.localeCompare(b.file));
  const meta = {
    machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`,
    finishedAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const rows = all.flatMap((r) => r.rows);
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify({ ...meta, runs: all, rows }, null, 2)}\n`);
  writeFileSync(join(out, 'latest.md'), markdown(all, meta));
  console.error(`bench: wrote docs/benchmarks/latest.json and latest.md (${meta.seconds} s)`);
  process.exit(failed ? 1 : 0);
}

/** One section's figures from one run. */
interface SectionRun {
  file: string;
  quick: boolean;
  finishedAt: string;
  seconds: number;
  rows: BenchRow[];
}

/** The section runs of the last latest.json, each with its rows; none when there is no readable file. */
function previousRuns(path: string): SectionRun[] {
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { runs?: SectionRun[] };
    return (doc.runs ?? []).filter((r) => typeof r.file === 'string' && Array.isArray(r.rows));
  } catch {
    return [];
  }
}

await main();
