import { runChecks, type Report } from '../check.ts';
import { Open311Target, type Open311Options } from './target.ts';
import { OPEN311_CHECKS } from './index.ts';

/**
 * Tests one GeoReport v2 endpoint over HTTP up to `level`. Level 3 and 4
 * send real reports (described as conformance checks) to the target.
 *
 * @example const report = await runOpen311('https://council.example/open311/v2/', { level: 3, apiKey, lat: 51.5, long: -0.12 });
 */
export function runOpen311(url: string, options: Partial<Open311Options> & { only?: string[] } = {}): Promise<Report> {
  const full: Open311Options = { level: 2, lat: 51.507222, long: -0.1275, ...options };
  const target = new Open311Target(url, full);
  const only = options.only && ((c: { id: string }) => options.only!.includes(c.id));
  return runChecks('Open311 GeoReport v2', target.base, full.level, OPEN311_CHECKS, target, only);
}
