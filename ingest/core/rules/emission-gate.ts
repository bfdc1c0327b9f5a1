/**
 * The gate between a device's rule steps and the world, and the only place an episode lives.
 * Rule steps report crossings ("below 18 °C for 30 min is now complete", "at or above 18.5 °C
 * for 30 min is now complete") whatever the episode's state; the gate lets an `open` through
 * only when no episode is open, a `recovered` only when one is, and either only when it is
 * later (event time) than the last transition it let through.
 *
 * Late readings make the engine replay a device's recent history, and a replay repeats
 * crossings that were already emitted or finds one at a slightly different time: the gate drops
 * those. So late data can add or advance an episode, never emit it twice, and never retract a
 * ticket already opened; and because recovery is judged from the readings alone, an episode
 * opened on evidence a late reading later weakens still recovers when the room does.
 */
import type { Transition } from './rule-transition.ts';

export interface EpisodeGate {
  readonly open: boolean;
  /** Event time of the last transition let through. */
  readonly lastAt: number;
}

export const CLOSED_GATE: EpisodeGate = { open: false, lastAt: Number.NEGATIVE_INFINITY };

export function passEpisode(gate: EpisodeGate, t: { kind: 'open' | 'recovered'; at: number }): { gate: EpisodeGate; pass: boolean } {
  const wanted = t.kind === 'open';
  if (t.at <= gate.lastAt || gate.open === wanted) return { gate, pass: false };
  return { gate: { open: wanted, lastAt: t.at }, pass: true };
}

/**
 * An episode the database still has open after a restart or a rules reload, opened at `at`: its
 * recovery gets through, and the readings that opened it, replayed, do not open it again.
 */
export function seedGate(gate: EpisodeGate, at: number): EpisodeGate {
  return { open: true, lastAt: Math.max(gate.lastAt, at) };
}

/**
 * Data-quality flags are not episodes: a device sending nonsense is flagged at most once per
 * `everyMs` of event time, so a broken sensor on a 10 s cycle does not flood the queue.
 */
export function passDataQuality(lastAt: number, t: Transition & { kind: 'data_quality' }, everyMs: number): { lastAt: number; pass: boolean } {
  if (t.at < lastAt + everyMs) return { lastAt, pass: false };
  return { lastAt: t.at, pass: true };
}
