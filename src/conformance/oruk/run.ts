import type { Report } from '../check.ts';
export const ORUK_LEVELS: Record<number, string> = { 1: 'Open Referral UK 3.0' };
export async function runOruk(_url: string, _options: { only?: string[] } = {}): Promise<Report> {
  throw new Error('not yet');
}
