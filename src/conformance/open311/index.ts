import type { Check } from '../check.ts';
import type { Open311Target } from './target.ts';
import { readChecks } from './read-checks.ts';
import { postChecks } from './post-checks.ts';
import { ukChecks } from './uk-checks.ts';

/**
 * The Open311 GeoReport v2 checks, by level: 1 discovery and services,
 * 2 reads and filters, 3 a POST round trip and its errors, 4 the UK profile
 * as FixMyStreet uses it.
 */
export const OPEN311_CHECKS: Check<Open311Target>[] = [...readChecks, ...postChecks, ...ukChecks];
export const OPEN311_LEVELS: Record<number, string> = {
  1: 'Discovery and services (XML and JSON)',
  2: 'Reading requests and filtering them',
  3: 'Sending a report, and the errors the spec names',
  4: 'The UK profile, as FixMyStreet uses it',
};
