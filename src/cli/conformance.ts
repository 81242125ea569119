import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './context.ts';
import { passed } from '../conformance/check.ts';
import { FORMATS, renderReport, type ReportFormat } from '../conformance/report.ts';
import { runOpen311 } from '../conformance/open311/run.ts';
import { OPEN311_LEVELS } from '../conformance/open311/index.ts';

const number = (text: string | undefined, name: string, fallback: number) => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, not "${text}"`);
  return n;
};

export const conformance: Command = {
  usage: 'conformance open311 URL [--api-key K] [--jurisdiction J] [--level 1-4] [--format text|json|junit|html] [--out FILE] | conformance oruk URL',
  summary: 'Test any Open311 GeoReport v2 or Open Referral UK endpoint over HTTP; exit 0 only when every check passes',
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
      },
    });
    if (positionals.length !== 1 || !/^https?:\/\//.test(positionals[0])) throw new UsageError(`Give the endpoint's URL: pipework ${conformance.usage}`);
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
      throw new UsageError(`Which standard: pipework ${conformance.usage}`);
    }
    const text = renderReport(report, format, levels);
    if (values.out) {
      await writeFile(values.out, text + '\n');
      ctx.out(`Wrote ${values.out}.`);
    } else ctx.out(text);
    return passed(report) ? 0 : 1;
  },
};
