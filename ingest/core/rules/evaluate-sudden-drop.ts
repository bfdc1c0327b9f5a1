/**
 * Sudden drop (DESIGN.md §3; 服务承诺 二.1(4): an unexplained loss of heat or fall in temperature,
 * cause found within 8 h). Reports `open` when a room is `dropC` below its level of the last
 * `withinMin` (once per stretch in which that holds; both levels held by two consecutive
 * counted readings, so a glitch in either direction is not a drop), and `recovered` at the
 * reading that completes `recoverForMin` back within `recoverWithinC` of the level before the
 * drop. The emission gate pairs them into episodes. A room that settles at a new, lower level
 * stays open until a person closes the ticket.
 */
import type { RulesConfig } from './rules-config.ts';
import { EPSILON, MINUTE_MS, type Peak, type Transition } from './rule-transition.ts';

export interface SuddenDropState {
  /** The drop condition held at the previous counted reading. */
  readonly dropping: boolean;
  /** The level before the drop, while a drop is unresolved (the highest if it fell twice). */
  readonly refC: number | null;
  readonly backSince: number | null;
}

export const SUDDEN_DROP_START: SuddenDropState = { dropping: false, refC: null, backSince: null };

export interface SuddenDropSample {
  ts: number;
  /** This reading, for the recovery. */
  temp: number;
  /**
   * What this reading and the one before have both fallen to (the higher of the two): one
   * glitch is not a drop. It costs one sampling interval against an 8 h deadline.
   */
  held: number | undefined;
  /** In season and not in a planned outage. */
  counts: boolean;
}

/** `peak`: the highest level two consecutive counted readings held in the `withinMin` before. */
export function evaluateSuddenDrop(
  state: SuddenDropState,
  s: SuddenDropSample,
  peak: Peak | null,
  config: RulesConfig['suddenDrop'],
): { state: SuddenDropState; transition: Transition | null } {
  const held = s.held;
  if (s.counts && peak !== null && held !== undefined && peak.value - held >= config.dropC - EPSILON) {
    const refC = Math.max(state.refC ?? peak.value, peak.value);
    const next = state.dropping && state.refC === refC && state.backSince === null ? state : { dropping: true, refC, backSince: null };
    return { state: next, transition: state.dropping ? null : dropped(s, held, peak, config) };
  }
  if (state.refC === null) return { state: SUDDEN_DROP_START, transition: null };
  if (s.temp < state.refC - config.recoverWithinC - EPSILON) return { state: settled(state, null), transition: null };
  const since = state.backSince ?? s.ts;
  if (s.ts - since < config.recoverForMin * MINUTE_MS) return { state: settled(state, since), transition: null };
  return { state: SUDDEN_DROP_START, transition: recovered(s, state.refC, since, config) };
}

// Kept apart so that V8 inlines the step above into the device's step (evaluate-room-low.ts).

/** Not dropping (any more), back near the level before since `backSince`; unchanged states are returned as is. */
function settled(state: SuddenDropState, backSince: number | null): SuddenDropState {
  return !state.dropping && state.backSince === backSince ? state : { dropping: false, refC: state.refC, backSince };
}

function dropped(s: SuddenDropSample, held: number, peak: Peak, config: RulesConfig['suddenDrop']): Transition {
  return {
    kind: 'open',
    rule: 'sudden_drop',
    at: s.ts,
    facts: [{ fact: 'sudden_drop', fromC: peak.value, toC: held, withinMs: s.ts - peak.ts, dropC: config.dropC, windowMin: config.withinMin }],
  };
}

function recovered(s: SuddenDropSample, refC: number, since: number, config: RulesConfig['suddenDrop']): Transition {
  return { kind: 'recovered', rule: 'sudden_drop', at: s.ts, facts: [{ fact: 'drop_recovered', tempC: s.temp, refC: refC, withinC: config.recoverWithinC, forMs: s.ts - since }] };
}
