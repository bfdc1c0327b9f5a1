/**
 * What one rule step decides for one device, before the engine turns it into a `RuleEvent`
 * (adding the ticket type, substation, exemption) and lets it through the emission gate.
 */
import type { TicketType } from '../../contracts/tickets.ts';
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

export const formatC = (c: number): string => `${c.toFixed(1)} °C`;
export const formatMin = (ms: number): string => `${Math.round(ms / MINUTE_MS)} 分钟`;

/**
 * Field names as a Chinese dispatcher reads them in a ticket (the descriptions are shown as they
 * are: the dispatcher reads Chinese; HeatWatch's English UI shows them as well).
 */
export const FIELD_ZH: Readonly<Record<string, string>> = {
  temp: '室温',
  humidity: '湿度',
  supplyTemp: '一次供水温度',
  returnTemp: '一次回水温度',
  supplyPressure: '一次供水压力',
  returnPressure: '一次回水压力',
  flow: '流量',
  secSupplyTemp: '二次供水温度',
  secReturnTemp: '二次回水温度',
  secSupplyPressure: '二次供水压力',
  secReturnPressure: '二次回水压力',
  outdoorTemp: '室外温度',
};
export const fieldZh = (f: string): string => FIELD_ZH[f] ?? f;
