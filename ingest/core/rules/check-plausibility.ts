/**
 * Implausible data (DESIGN.md §3): values outside physical ranges, a room temperature moving
 * faster than a room can, or supply water heating up faster than water can. Such a value raises
 * a data-quality flag on the device and is kept away from every other rule: a broken sensor
 * must never open a customer ticket.
 */
import type { DeviceKind } from '../../contracts/topics.ts';
import type { FieldName } from '../../contracts/payloads.ts';
import type { RulesConfig } from './rules-config.ts';
import { formatC, formatMin, MINUTE_MS } from './rule-transition.ts';

type Values = Partial<Record<FieldName, number>>;
type Plausibility = RulesConfig['plausibility'];
const NONE: readonly string[] = Object.freeze([]);

export interface RangeCheck {
  /** The values that passed (fields without a configured range pass unchanged). */
  values: Values;
  /** One sentence per refused field. */
  problems: readonly string[];
}

/**
 * Range check, field by field. A room reading is its temperature; a substation's implausible
 * field is dropped and the rest kept, so a broken outdoor sensor does not blind the pressure
 * watch.
 */
export function checkRanges(kind: DeviceKind, values: Values, config: Plausibility): RangeCheck {
  const ranges: Readonly<Record<string, { min: number; max: number }>> =
    kind === 'room' ? { temp: { min: config.room.minC, max: config.room.maxC } } : config.substation;
  let refused: FieldName[] | undefined;
  for (const field in ranges) {
    const r = ranges[field]!;
    const value = values[field as FieldName];
    if (value !== undefined && (value < r.min || value > r.max)) (refused ??= []).push(field as FieldName);
  }
  // The common case shares the reading's values; only a refused field costs a copy.
  if (refused === undefined) return { values, problems: NONE };
  const kept: Values = { ...values };
  for (const field of refused) delete kept[field];
  const problems = refused.map((field) => {
    const r = ranges[field]!;
    return `${field} ${values[field]} outside the plausible range ${r.min}…${r.max}`;
  });
  return { values: kept, problems };
}

/** The last value of a field that passed the rate check. */
export interface LastPlausible {
  readonly ts: number;
  readonly value: number;
}

export interface RateLimit {
  /** Largest plausible change per `perMin` minutes, pro rata for readings further apart. */
  maxC: number;
  perMin: number;
  /** 'rise' checks increases only (a fast fall is what the collapse rule watches for). */
  direction: 'both' | 'rise';
}

/**
 * A value that moves faster than `limit` from the last plausible one is a glitch. Pro rata:
 * 5 °C per 10 min allows 7.5 °C between readings 15 min apart, so a sensor sampling every
 * 15 min is checked too. Comparing with the last *plausible* value means a single spike
 * (20, 32, 20) flags the 32 and not the return to 20.
 */
export function checkRate(
  last: LastPlausible | null,
  ts: number,
  value: number,
  limit: RateLimit,
  field: string,
): { last: LastPlausible | null; problem: string | null } {
  if (last !== null) {
    const dt = ts - last.ts;
    const allowed = limit.maxC * Math.max(1, dt / (limit.perMin * MINUTE_MS));
    const change = limit.direction === 'rise' ? value - last.value : Math.abs(value - last.value);
    if (change > allowed) {
      const verb = value > last.value ? 'rose' : 'fell';
      const problem = `${field} ${verb} from ${formatC(last.value)} to ${formatC(value)} in ${formatMin(dt)} (more than ${formatC(limit.maxC)} per ${limit.perMin} min)`;
      return { last, problem };
    }
  }
  return { last: { ts, value }, problem: null };
}
