/**
 * The simulators' clock: sim time runs `speed` times faster than the wall clock from `start`,
 * but never ahead of it — HeatWatch refuses readings more than 5 min in the future — so a fast
 * replay of the past catches up with now and then continues at 1×. Pure: real time is passed in.
 */
import { MAX_AGE_MS } from '../ingest/contracts/payloads.ts';
import { DAY_MS } from '../ingest/contracts/beijing-time.ts';

export interface SimClock {
  /** Sim time at `realStart` (epoch ms). */
  start: number;
  realStart: number;
  speed: number;
}

export function simNow(clock: SimClock, realNow: number): number {
  return Math.min(realNow, clock.start + (realNow - clock.realStart) * clock.speed);
}

/** Faster than real time, start a day back so the replay has a past to fill; else start now. */
export function defaultStart(realNow: number, speed: number): number {
  return speed > 1 ? realNow - DAY_MS : realNow;
}

/** Why a start time cannot be used, or null. Readings older than 7 days are refused by ingest. */
export function checkStart(start: number, realNow: number): string | null {
  if (!Number.isFinite(start)) return 'start is not a valid time';
  if (start > realNow) return 'start is in the future: sim time may not run ahead of the wall clock';
  // An hour of margin: the first readings are published a little after they are taken.
  if (start < realNow - MAX_AGE_MS + 3_600_000) return 'start is more than 7 days ago: HeatWatch refuses readings that old';
  return null;
}
