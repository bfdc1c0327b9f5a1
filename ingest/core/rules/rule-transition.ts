/**
 * What one rule step decides for one device, before the engine turns it into a `RuleEvent`
 * (adding the ticket type, substation, exemption) and lets it through the emission gate.
 */
import type { RuleFact } from '../../contracts/rule-facts.ts';
import type { TicketType } from '../../contracts/tickets.ts';
/** Rules with an episode: open once, then recovered once. */
export type EpisodeRule = 'room_low' | 'sudden_drop' | 'substation_collapse' | 'substation_fault' | 'substation_leak' | 'offline';

/** The ticket each rule opens (DESIGN.md §2). */
export const TICKET_BY_RULE: Readonly<Record<EpisodeRule, TicketType>> = {
  room_low: 'room_temp_low', // 服务承诺 二.1(2)(4)
  sudden_drop: 'temp_drop', // 服务承诺 二.1(4)
  substation_collapse: 'pipeline_accident', // 服务承诺 二.1(5)
  substation_fault: 'substation_fault', // a substation fault, before its rooms go cold
  substation_leak: 'leak', // 服务承诺 二.4(5): a leak, on site within 1 h
  offline: 'sensor_offline',
};

export type Transition =
  | { kind: 'open' | 'recovered'; rule: EpisodeRule; at: number; facts: RuleFact[] }
  | { kind: 'data_quality'; at: number; facts: RuleFact[] };

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
 * One device's samples of one call, `items[0, length)`. The objects are reused from call to call:
 * with 10 000 devices in a message batch, fresh ones live through young-generation collections
 * and are copied, which was a large part of the engine's garbage-collection time.
 */
export interface SampleBuffer<F extends string> {
  readonly items: SampleInput<F>[];
  length: number;
}

export function addSample<F extends string>(buffer: SampleBuffer<F>, ts: number, values: Partial<Record<F, number>>, eligible: boolean): void {
  const s = buffer.items[buffer.length];
  if (s === undefined) buffer.items.push({ ts, values, eligible });
  else {
    s.ts = ts;
    s.values = values;
    s.eligible = eligible;
  }
  buffer.length += 1;
}

/** A level held before, and when it was last held. */
export interface Peak {
  ts: number;
  value: number;
}

/** Thresholds compare measured differences: 21.3 − 18.3 must count as a 3.0 °C drop. */
export const EPSILON = 1e-9;
export const MINUTE_MS = 60_000;

