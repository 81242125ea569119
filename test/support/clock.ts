import type { Clock } from '../../src/core/clock.ts';

/** A clock that stands still until a test moves it. */
export function manualClock(start = new Date('2026-06-01T09:00:00Z')): Clock & { advance(ms: number): void; set(at: Date): void } {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms) => void (t += ms),
    set: (at) => void (t = at.getTime()),
  };
}
