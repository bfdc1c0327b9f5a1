/**
 * Room low (DESIGN.md §3; 服务承诺 二.1(2): bedrooms and living rooms at least 18 °C in season).
 * Reports `open` at the first reading that completes `forMin` of counted readings all below
 * `belowC`, and `recovered` at the first reading that completes `recoverForMin` of readings all
 * at or above `recoverAtC`. The emission gate pairs them into episodes (a cold run while an
 * episode is open, or a warm run while none is, is dropped there), so this step needs no
 * "is it open?" state and a replay of late readings cannot leave an open ticket without a way
 * to recover. The gap between the thresholds is the hysteresis: noise around 18.0 neither
 * opens (one 18.1 breaks the cold run) nor, once open, recovers (18.1 is not 18.5).
 *
 * "For 30 min" is measured between readings: a run starts at its first reading and completes
 * at the first reading at least 30 min later.
 *
 * A state that does not change is returned as is: a device holds it across thousands of readings,
 * and a fresh copy per reading would be garbage that outlives the young generation.
 */
import type { RulesConfig } from './rules-config.ts';
import { MINUTE_MS, type Transition } from './rule-transition.ts';

export interface RoomLowState {
  readonly coldSince: number | null;
  readonly coldLowest: number;
  /** The current cold run has already been reported. */
  readonly coldReported: boolean;
  readonly warmSince: number | null;
  readonly warmReported: boolean;
}

export const ROOM_LOW_START: RoomLowState = {
  coldSince: null,
  coldLowest: Number.POSITIVE_INFINITY,
  coldReported: false,
  warmSince: null,
  warmReported: false,
};

export interface RoomLowSample {
  ts: number;
  temp: number;
  /** In season, not in a planned outage, and a room type the promise covers. */
  counts: boolean;
}

export function evaluateRoomLow(
  state: RoomLowState,
  s: RoomLowSample,
  config: RulesConfig['roomLow'],
): { state: RoomLowState; transition: Transition | null } {
  if (s.counts && s.temp < config.belowC) return coldRun(state, s, config);
  if (s.temp >= config.recoverAtC) return warmRun(state, s, config);
  // Between the thresholds (or not counted): neither run goes on.
  return { state: ROOM_LOW_START, transition: null };
}

// The steps below stay small, and the sentences apart, so that V8 inlines them into the
// device's step and its objects never reach the heap.

function coldRun(state: RoomLowState, s: RoomLowSample, config: RulesConfig['roomLow']) {
  const since = state.coldSince ?? s.ts;
  const lowest = Math.min(state.coldLowest, s.temp);
  const complete = !state.coldReported && s.ts - since >= config.forMin * MINUTE_MS;
  const coldReported = state.coldReported || complete;
  const same = state.coldSince === since && state.coldLowest === lowest && state.coldReported === coldReported;
  const next: RoomLowState = same ? state : { coldSince: since, coldLowest: lowest, coldReported, warmSince: null, warmReported: false };
  return { state: next, transition: complete ? coldComplete(s, since, lowest, config) : null };
}

function warmRun(state: RoomLowState, s: RoomLowSample, config: RulesConfig['roomLow']) {
  const since = state.warmSince ?? s.ts;
  const complete = !state.warmReported && s.ts - since >= config.recoverForMin * MINUTE_MS;
  const warmReported = state.warmReported || complete;
  const same = state.coldSince === null && state.warmSince === since && state.warmReported === warmReported;
  const next: RoomLowState = same ? state : { coldSince: null, coldLowest: Number.POSITIVE_INFINITY, coldReported: false, warmSince: since, warmReported };
  return { state: next, transition: complete ? warmComplete(s, since, config) : null };
}

function coldComplete(s: RoomLowSample, since: number, lowest: number, config: RulesConfig['roomLow']): Transition {
  return { kind: 'open', rule: 'room_low', at: s.ts, facts: [{ fact: 'room_low', tempC: s.temp, belowC: config.belowC, forMs: s.ts - since, lowestC: lowest }] };
}

function warmComplete(s: RoomLowSample, since: number, config: RulesConfig['roomLow']): Transition {
  return { kind: 'recovered', rule: 'room_low', at: s.ts, facts: [{ fact: 'room_warm_again', tempC: s.temp, recoverAtC: config.recoverAtC, forMs: s.ts - since }] };
}
