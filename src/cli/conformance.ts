import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { EXIT, UsageError, type Command, type ExitCode } from './context.ts';
import { passed } from '../conformance/check.ts';
import { FORMATS, renderReport, type ReportFormat } from '../conformance/report.ts';
import { runOpen311 } from '../conformance/open311/run.ts';
import { OPEN311_LEVELS } from '../conformance/open311/index.ts';
import { startRecorder } from '../conformance/open311-client/recorder.ts';
import { gradeClient } from '../conformance/open311-client/grade.ts';
import type { CliContext } from './context.ts';

const number = (text: string | undefined, name: string, fallback: number) => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, not "${text}"`);
  return n;
};

export const conformance: Command = {
  usage: [
    'conformance open311 URL [--api-key K] [--jurisdiction J] [--level 1-4] [--format text|json|junit|html] [--out FILE]',
    'conformance oruk URL [--format text|json|junit|html] [--out FILE]',
    'conformance open311-client --listen PORT [--reports N] [--seconds S]',
  ],
  async run(args, ctx) {
    const [suite, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        'api-key': { type: 'string' },
        jurisdiction: { type: 'string' },
        level: { type: 'string' },
        format: { type: 'string', default: 'text' },
        out: { type: 'string' },
        lat: { type: 'string' },
        long: { type: 'string' },
        check: { type: 'string', multiple: true },
        listen: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        reports: { type: 'string' },
        seconds: { type: 'string' },
      },
    });
    if (suite === 'open311-client') return clientRun(values, ctx);
    if (positionals.length !== 1 || !/^https?:\/\//.test(positionals[0])) throw new UsageError("Give the endpoint's URL (http or https)");
    const format = values.format as ReportFormat;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    let report;
    let levels: Record<number, string> = {};
    if (suite === 'open311') {
      const level = number(values.level, 'level', 2);
      if (![1, 2, 3, 4].includes(level)) throw new UsageError('--level must be 1, 2, 3 or 4');
      report = await runOpen311(positionals[0], {
        level,
        apiKey: values['api-key'],
        jurisdiction: values.jurisdiction,
        lat: number(values.lat, 'lat', 51.507222),
        long: number(values.long, 'long', -0.1275),
        only: values.check,
      });
      levels = OPEN311_LEVELS;
    } else if (suite === 'oruk') {
      const { runOruk, ORUK_LEVELS } = await import('../conformance/oruk/run.ts');
      report = await runOruk(positionals[0], { only: values.check });
      levels = ORUK_LEVELS;
    } else {
      throw new UsageError(suite ? `Unknown sub-command "conformance ${suite}"` : 'conformance needs a standard: open311, oruk or open311-client');
    }
    const text = renderReport(report, format, levels);
    if (values.out) {
      await writeFile(values.out, text + '\n');
      ctx.out(`Wrote ${values.out}.`);
    } else ctx.out(text);
    return passed(report) ? EXIT.ok : EXIT.failed;
  },
};

/**
 * `open311-client --listen PORT`: be the endpoint a client is pointed at,
 * record what it sends, and grade it once it has sent `--reports` reports,
 * after `--seconds`, or on Ctrl-C.
 */
async function clientRun(values: Record<string, string | boolean | string[] | undefined>, ctx: CliContext): Promise<ExitCode> {
  const port = number(values.listen as string | undefined, 'listen', NaN);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('open311-client needs --listen PORT');
  const format = values.format as ReportFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const reports = number(values.reports as string | undefined, 'reports', 1);
  const seconds = number(values.seconds as string | undefined, 'seconds', 600);
  let stop: () => void = () => {};
  const done = new Promise<void>((r) => (stop = r));
  let sent = 0;
  const recorder = await startRecorder({
    port,
    host: values.host as string,
    onCall: (c) => {
      if (c.method === 'POST' && /\/requests\.(xml|json)$/.test(c.path) && ++sent >= reports) stop();
    },
  });
  ctx.err(`Point the client at ${recorder.url} (service "pothole"). Grading after ${reports} report(s), ${seconds} s, or Ctrl-C.`);
  const timer = setTimeout(stop, seconds * 1000);
  const onSignal = () => stop();
  process.once('SIGINT', onSignal);
  await done;
  clearTimeout(timer);
  process.off('SIGINT', onSignal);
  await recorder.close();
  const report = await gradeClient(recorder.url, { calls: recorder.calls, apiKey: values['api-key'] as string | undefined, jurisdiction: values.jurisdiction as string | undefined });
  const text = renderReport(report, format, { 1: 'What the client sends' });
  if (values.out) {
    await writeFile(values.out as string, text + '\n');
    ctx.out(`Wrote ${values.out}.`);
  } else ctx.out(text);
  return passed(report) ? EXIT.ok : EXIT.failed;
}
