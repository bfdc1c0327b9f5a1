/**
 * What one rule step decides for one device, before the engine turns it into a `RuleEvent`
 * (adding the ticket type, substation, exemption) and lets it through the emission gate.
 */
import type { TicketType } from './rule-types.ts';
/** Rules with an episode: open once, then recovered once. */
export type EpisodeRule = 'room_low' | 'sudden_drop' | 'substation_collapse' | 'offline';

/** The ticket each rule opens (DESIGN.md §2). */
export const TICKET_BY_RULE: Readonly<Record<EpisodeRule, TicketType>> = {
  room_low: 'room_temp_low', // 服务承诺 二.1(2)(4)
  sudden_drop: 'temp_drop', // 服务承诺 二.1(4)
  substation_collapse: 'pipeline_accident', // 服务承诺 二.1(5)
  offline: 'sensor_offline',
};

export type Transition =
  | { kind: 'open' | 'recovered'; rule: EpisodeRule; at: number; detail: string }
  | { kind: 'data_quality'; at: number; detail: string };

/** One reading as it enters a device's history: only the fields its rules read. */
export interface SampleInput<F extends string> {
  /** Event time, epoch ms. */
  ts: number;
  /** Fields that passed the range check; a field the device did not report is absent. */
  values: Partial<Record<F, number>>;
  /** Counts for customer tickets: not in a planned outage and, for rooms, in the heating season. */
  eligible: boolean;
}

/**
 * A device's recent readings, sorted by event time, one array per column: plain number arrays
 * hold unboxed doubles, a few bytes per reading instead of an object each, which matters at
 * 100 000 devices. A field not reported is NaN.
 */
export interface History<F extends string> {
  readonly ts: number[];
  readonly values: Readonly<Record<F, number[]>>;
  readonly eligible: boolean[];
  /** Set by the ordered pass: false when the jump check refused it; then no rule sees it. */
  readonly plausible: boolean[];
}

/** A level held before, and when it was last held. */
export interface Peak {
  ts: number;
  value: number;
}

/** Thresholds compare measured differences: 21.3 − 18.3 must count as a 3.0 °C drop. */
export const EPSILON = 1e-9;
export const MINUTE_MS = 60_000;

const usable = <F extends string>(h: History<F>, j: number, value: number) => h.plausible[j]! && h.eligible[j]! && !Number.isNaN(value);

/**
 * The highest level of `field` held by two consecutive usable (eligible, plausible) readings
 * before `h[i]` and within `windowMs` of it (the lower of each pair), or null: one glitch
 * cannot become the level something fell from.
 */
export function heldPeakBefore<F extends string>(h: History<F>, i: number, windowMs: number, field: F): Peak | null {
  const from = h.ts[i]! - windowMs;
  const column = h.values[field];
  // Plain numbers, no objects per step: this runs for every reading of every device.
  let peakTs = Number.NaN;
  let peakValue = Number.NEGATIVE_INFINITY;
  let laterTs = Number.NaN;
  let laterValue = Number.NaN;
  for (let j = i - 1; j >= 0 && h.ts[j]! >= from; j--) {
    const value = column[j]!;
    if (!usable(h, j, value)) continue;
    if (!Number.isNaN(laterValue)) {
      const held = Math.min(value, laterValue);
      if (held > peakValue) {
        peakValue = held;
        peakTs = laterTs;
      }
    }
    laterTs = h.ts[j]!;
    laterValue = value;
  }
  return Number.isNaN(peakTs) ? null : { ts: peakTs, value: peakValue };
}

/**
 * The level `h[i]` and the usable reading before it (within `windowMs`) have both fallen to:
 * the higher of the two; undefined when either is missing. One glitch cannot fall.
 */
export function heldLevel<F extends string>(h: History<F>, i: number, windowMs: number, field: F): number | undefined {
  const column = h.values[field];
  const value = column[i]!;
  if (Number.isNaN(value)) return undefined;
  const from = h.ts[i]! - windowMs;
  for (let j = i - 1; j >= 0 && h.ts[j]! >= from; j--) {
    if (usable(h, j, column[j]!)) return Math.max(value, column[j]!);
  }
  return undefined;
}

export const formatC = (c: number): string => `${c.toFixed(1)} °C`;
export const formatMin = (ms: number): string => `${Math.round(ms / MINUTE_MS)} min`;
