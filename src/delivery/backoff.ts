/**
 * Exponential backoff with "equal jitter": after attempt n the wait is between
 * half and all of min(max, base × 2^(n-1)), so relays that failed together do
 * not retry in lockstep against a back-end that is coming back.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
