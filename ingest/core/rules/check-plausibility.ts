/**
 * Implausible data (DESIGN.md §3): values outside physical ranges, a room temperature moving
 * faster than a room can, or supply water heating up faster than water can. Such a value raises
 * a data-quality flag on the device and is kept away from every other rule: a broken sensor
 * must never open a customer ticket.
 */
import type { DeviceKind } from '../../contracts/topics.ts';
import type { FieldName } from '../../contracts/payloads.ts';
import type { RulesConfig } from './rules-config.ts';
import type { RuleFact } from '../../contracts/rule-facts.ts';
import { MINUTE_MS } from './rule-transition.ts';

type Values = Partial<Record<FieldName, number>>;
type Plausibility = RulesConfig['plausibility'];
const NONE: readonly RuleFact[] = Object.freeze([]);

export interface RangeCheck {
  /** The values that passed (fields without a configured range pass unchanged). */
  values: Values;
  /** One fact per refused field. */
  problems: readonly RuleFact[];
}

/** The plausible range of each field a kind of device reports, as a list: it is walked per reading. */
export type Ranges = readonly { field: FieldName; min: number; max: number }[];

export function plausibleRanges(config: Plausibility): Readonly<Record<DeviceKind, Ranges>> {
  const substation = Object.entries(config.substation).map(([field, r]) => ({ field: field as FieldName, min: r.min, max: r.max }));
  return { room: [{ field: 'temp', min: config.room.minC, max: config.room.maxC }], substation };
}

/**
 * Range check, field by field. A room reading is its temperature; a substation's implausible
 * field is dropped and the rest kept, so a broken outdoor sensor does not blind the pressure
 * watch.
 */
export function checkRanges(ranges: Ranges, values: Values): RangeCheck {
  let refused: Ranges[number][] | undefined;
  for (let n = 0; n < ranges.length; n++) {
    const r = ranges[n]!;
    const value = values[r.field];
    if (value !== undefined && (value < r.min || value > r.max)) (refused ??= []).push(r);
  }
  // The common case shares the reading's values; only a refused field costs a copy.
  if (refused === undefined) return { values, problems: NONE };
  const kept: Values = { ...values };
  for (const r of refused) delete kept[r.field];
  const problems = refused.map((r): RuleFact => ({ fact: 'out_of_range', field: r.field, value: values[r.field]!, min: r.min, max: r.max }));
  return { values: kept, problems };
}

/**
 * The last value of a field that passed the rate check. Mutable: a device's own copy is
 * overwritten by every plausible reading rather than replaced, so 100 000 devices do not leave
 * an object per reading for the garbage collector.
 */
export interface LastPlausible {
  ts: number;
  value: number;
}

export interface RateLimit {
  /** Largest plausible change per `perMin` minutes, pro rata for readings further apart. */
  maxC: number;
  perMin: number;
  /** 'rise' checks increases only (a fast fall is what the collapse rule watches for). */
  direction: 'both' | 'rise';
}

/**
 * A value that moves faster than `limit` from the last plausible one is a glitch: returns the
 * problem, or null when the value is plausible (and becomes the last plausible one). Pro rata:
 * 5 °C per 10 min allows 7.5 °C between readings 15 min apart, so a sensor sampling every
 * 15 min is checked too. Comparing with the last *plausible* value means a single spike
 * (20, 32, 20) flags the 32 and not the return to 20.
 */
export function checkRate(last: LastPlausible | null, ts: number, value: number, limit: RateLimit, field: FieldName): RuleFact | null {
  if (last === null) return null;
  const dt = ts - last.ts;
  const allowed = limit.maxC * Math.max(1, dt / (limit.perMin * MINUTE_MS));
  const change = limit.direction === 'rise' ? value - last.value : Math.abs(value - last.value);
  if (change <= allowed) return null;
  return { fact: 'too_fast', field, from: last.value, to: value, withinMs: dt, maxChange: limit.maxC, perMin: limit.perMin };
}
