import { runChecks, type Report } from '../check.ts';
import { OrukTarget } from './target.ts';
import { ORUK_CHECKS } from './checks.ts';

export const ORUK_LEVELS: Record<number, string> = {
  1: 'Version, every endpoint, every response against the ORUK schemas',
  2: 'Paging: first, middle, last and past the end',
  3: 'Browser access (CORS) and the profile filters',
};

/**
 * Tests one Open Referral UK 3.0 endpoint (its root URL) over HTTP; read-only.
 *
 * @example const report = await runOruk('https://council.example/openreferral/');
 */
export function runOruk(url: string, options: { only?: string[] } = {}): Promise<Report> {
  const target = new OrukTarget(url);
  const only = options.only && ((c: { id: string }) => options.only!.includes(c.id));
  return runChecks('Open Referral UK', target.base, 3, ORUK_CHECKS, target, only);
}
