/** One HTTP call a check made, as it went and as it came back, for the report. */
export interface Exchange {
  method: string;
  url: string;
  requestBody?: string;
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: string;
  ms: number;
}

/** A check's verdict when the target breaks the clause: what was expected, and the call that showed it. */
export class CheckFailed extends Error {
  constructor(
    message: string,
    readonly exchange?: Exchange,
  ) {
    super(message);
  }
}

/** A check that cannot be made against this target (nothing to test it with): reported, not passed. */
export class CheckSkipped extends Error {}

export interface Check<Ctx> {
  /** Stable, for scripts and for tests: `L1.services.xml`. */
  id: string;
  level: number;
  title: string;
  /** The clause of the standard it tests, as a reader finds it in the text. */
  clause: string;
  run(ctx: Ctx): Promise<void>;
}

export type Outcome = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  level: number;
  title: string;
  clause: string;
  outcome: Outcome;
  message?: string;
  exchange?: Exchange;
  ms: number;
}

export interface Report {
  suite: string;
  target: string;
  level: number;
  startedAt: string;
  results: CheckResult[];
}

/** Every check of the chosen level passed (a skipped check is not a pass: it is not counted as one). */
export const passed = (r: Report) => r.results.every((x) => x.outcome !== 'fail');

/**
 * Runs the checks up to `level`, in order, one at a time (a target is
 * somebody's server: no load), and records each verdict.
 */
export async function runChecks<Ctx>(suite: string, target: string, level: number, checks: Check<Ctx>[], ctx: Ctx, only?: (c: Check<Ctx>) => boolean): Promise<Report> {
  const report: Report = { suite, target, level, startedAt: new Date().toISOString(), results: [] };
  for (const check of checks.filter((c) => c.level <= level && (!only || only(c)))) {
    const started = Date.now();
    const base = { id: check.id, level: check.level, title: check.title, clause: check.clause };
    try {
      await check.run(ctx);
      report.results.push({ ...base, outcome: 'pass', ms: Date.now() - started });
    } catch (e) {
      const outcome: Outcome = e instanceof CheckSkipped ? 'skip' : 'fail';
      const exchange = e instanceof CheckFailed ? e.exchange : undefined;
      const message = e instanceof CheckFailed || e instanceof CheckSkipped ? e.message : `the check could not finish: ${(e as Error).message}`;
      report.results.push({ ...base, outcome, message, ...(exchange ? { exchange } : {}), ms: Date.now() - started });
    }
  }
  return report;
}
