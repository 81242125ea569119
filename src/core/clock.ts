/**
 * The time as the core sees it. Built once in `server.ts` and passed in, so
 * tests move time forward instead of sleeping.
 *
 * @example const at = clock.now();
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
