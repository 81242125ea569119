import type { BenchRow } from '../types.ts';
import { open311Suite } from '../lib/open311-suite.ts';

/** Open311 POST and filtered GET on SQLite, Pipework beside the bare baseline (bench/lib/open311-suite.ts). */
export default async function (ctx: { quick: boolean }): Promise<BenchRow[]> {
  return open311Suite({ quick: ctx.quick, dialect: 'sqlite' });
}
