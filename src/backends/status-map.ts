import { isStatus, type UpdateStatus } from '../core/statuses.ts';

/**
 * Maps a back-end's raw status code to an Open311 extended status using the
 * adapter instance's `statusMap` (exact code first, then ignoring case); a code
 * that already is an Open311 status passes through. Anything else is
 * `unknown`: the report is still recorded with its raw code (status
 * `unchanged`), logged and listed by `npx pipework deliveries codes`.
 */
export function mapStatus(statusMap: Record<string, string>, code: string): { status: UpdateStatus; known: boolean } {
  const direct = statusMap[code] ?? Object.entries(statusMap).find(([k]) => k.toLowerCase() === code.trim().toLowerCase())?.[1];
  if (direct) return { status: direct as UpdateStatus, known: true };
  const lower = code.trim().toLowerCase();
  if (isStatus(lower)) return { status: lower, known: true };
  return { status: 'unchanged', known: false };
}
