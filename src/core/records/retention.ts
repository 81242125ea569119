/**
 * How long a council keeps what a resident gave it, counted from the last
 * change to a closed request: the contact details for `contactAfterClosure`,
 * the request's free text, photos and exact place for `anonymiseAfterClosure`;
 * after that only an anonymised record stays, for statistics.
 */
export interface RetentionRule {
  contactAfterClosure: string;
  anonymiseAfterClosure: string;
}

/** "12 months", "6 years", "30 days". */
export const PERIOD = '^[1-9]\\d{0,3} (day|days|month|months|year|years)$';

export function addPeriod(from: Date, text: string): Date {
  const m = /^(\d+) (day|days|month|months|year|years)$/.exec(text.trim());
  if (!m) throw new Error(`not a retention period: "${text}" (write e.g. "12 months" or "6 years")`);
  const n = Number(m[1]);
  const d = new Date(from.getTime());
  if (m[2].startsWith('day')) d.setUTCDate(d.getUTCDate() + n);
  else if (m[2].startsWith('month')) d.setUTCMonth(d.getUTCMonth() + n);
  else d.setUTCFullYear(d.getUTCFullYear() + n);
  return d;
}

/** The moment before which a closed request's data is due: now minus the period. */
export function cutoff(now: Date, text: string): Date {
  const ahead = addPeriod(now, text);
  return new Date(now.getTime() - (ahead.getTime() - now.getTime()));
}

/**
 * Defaults by LGSL code where the usual practice differs from the council
 * default (12 months for contact details, 6 years for the record, which is
 * the limitation period for most claims). Highway defects are kept longer:
 * a report proves the council knew of a defect (Highways Act 1980 s.58), and
 * claims run up to 3 years after an injury, often later.
 */
const HIGHWAY: RetentionRule = { contactAfterClosure: '3 years', anonymiseAfterClosure: '7 years' };

const BY_LGSL: Record<number, RetentionRule> = {
  // Pavement problems, potholes, road flooding, street lights: evidence in highway claims.
  537: HIGHWAY,
  555: HIGHWAY,
  557: HIGHWAY,
  564: HIGHWAY,
};

export const COUNCIL_DEFAULT: RetentionRule = { contactAfterClosure: '12 months', anonymiseAfterClosure: '6 years' };

/**
 * The rule for a service: the council's own override, else its pattern's, else
 * the default for its LGSL code, else the council default; each period on its own.
 */
export function retentionFor(patternRule: Partial<RetentionRule> | undefined, lgslCodes: number[], override?: Partial<RetentionRule>): RetentionRule {
  const byCode = lgslCodes.map((c) => BY_LGSL[c]).find(Boolean) ?? COUNCIL_DEFAULT;
  const own = override && Object.fromEntries(Object.entries({ contactAfterClosure: override.contactAfterClosure, anonymiseAfterClosure: override.anonymiseAfterClosure }).filter(([, v]) => v));
  return { ...byCode, ...patternRule, ...own };
}

/** Checks a period as a council writes it; the problem in words, or undefined. */
export function periodProblem(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return new RegExp(PERIOD).test(text.trim()) ? undefined : `"${text}" is not a period: write e.g. "12 months", "6 years" or "30 days"`;
}
