/**
 * Substation collapse (DESIGN.md §3; 服务承诺 二.1(5): a main-pipe accident, on site within
 * 30 min). A burst shows as a pressure-drop wave on the primary supply: reports `open` when the
 * supply pressure is `pressureDropMPa` below its level of the last `pressureWithinMin`, or the
 * supply temperature `supplyTempDropC` below its level of the last `supplyTempWithinMin`. Both
 * the level before and the level after must be held by two consecutive readings.
 * Reports `recovered` when both are back near their pre-collapse levels for `recoverForMin`.
 * The emission gate pairs the two into episodes, as for the room rules.
 */
import type { RuleFact } from '../../contracts/rule-facts.ts';
import type { RulesConfig } from './rules-config.ts';
import { EPSILON, MINUTE_MS, type Peak, type Transition } from './rule-transition.ts';

export interface CollapseState {
  /** The collapse condition held at the previous counted reading. */
  readonly collapsing: boolean;
  /** Pre-collapse levels while a collapse is unresolved (null: not reported by the substation). */
  readonly pressureRef: number | null;
  readonly tempRef: number | null;
  readonly unresolved: boolean;
  readonly backSince: number | null;
}

export const COLLAPSE_START: CollapseState = { collapsing: false, pressureRef: null, tempRef: null, unresolved: false, backSince: null };

export interface CollapseSample {
  ts: number;
  /** This reading's values, for the recovery. */
  supplyPressure: number | undefined;
  supplyTemp: number | undefined;
  /**
   * What this reading and the one before have both fallen to (the higher of the two): a fall
   * must show in two consecutive readings, one reporting interval (10–60 s) against a 30 min
   * deadline, so a single glitch never sends engineers to a pipe that did not burst.
   */
  heldPressure: number | undefined;
  heldTemp: number | undefined;
  /** Not in a planned outage. */
  counts: boolean;
}

/** The highest levels held by two consecutive readings within each window before this one. */
export interface CollapsePeaks {
  supplyPressure: Peak | null;
  supplyTemp: Peak | null;
}


export function evaluateSubstationCollapse(
  state: CollapseState,
  s: CollapseSample,
  peaks: CollapsePeaks,
  config: RulesConfig['substationCollapse'],
): { state: CollapseState; transition: Transition | null } {
  const p = peaks.supplyPressure;
  const t = peaks.supplyTemp;
  const pressureFell = s.counts && p !== null && s.heldPressure !== undefined && p.value - s.heldPressure >= config.pressureDropMPa - EPSILON;
  const tempFell = s.counts && t !== null && s.heldTemp !== undefined && t.value - s.heldTemp >= config.supplyTempDropC - EPSILON;
  if (pressureFell || tempFell) {
    // Only what fell must come back: a supply temperature that follows the weather curve while a
    // pressure-only burst is repaired (hours) would otherwise never count as back.
    const pressureRef = pressureFell ? higher(state.pressureRef, p) : state.pressureRef;
    const tempRef = tempFell ? higher(state.tempRef, t) : state.tempRef;
    const same = state.collapsing && state.pressureRef === pressureRef && state.tempRef === tempRef && state.backSince === null;
    const next = same ? state : { collapsing: true, pressureRef, tempRef, unresolved: true, backSince: null };
    return { state: next, transition: state.collapsing ? null : collapsed(s, pressureFell ? p : null, tempFell ? t : null) };
  }
  if (!state.unresolved) return { state: COLLAPSE_START, transition: null };
  const pressureBack =
    state.pressureRef === null || (s.supplyPressure !== undefined && s.supplyPressure >= state.pressureRef - config.recoverPressureWithinMPa - EPSILON);
  const tempBack = state.tempRef === null || (s.supplyTemp !== undefined && s.supplyTemp >= state.tempRef - config.recoverTempWithinC - EPSILON);
  if (!pressureBack || !tempBack) return { state: settled(state, null), transition: null };
  const since = state.backSince ?? s.ts;
  if (s.ts - since < config.recoverForMin * MINUTE_MS) return { state: settled(state, since), transition: null };
  return { state: COLLAPSE_START, transition: recovered(state, s, since) };
}

// Kept apart, and no closure made per call: this runs for every substation reading (under tsx
// every closure made also costs a defineProperty for its name).

const higher = (ref: number | null, peak: Peak | null): number | null => (peak === null ? ref : Math.max(ref ?? peak.value, peak.value));

/**
 * Not collapsing (any more), back near the levels before since `backSince`. Object literals, not
 * spreads (V8 reads spread-built objects markedly slower); unchanged states are returned as is
 * (evaluate-room-low.ts says why).
 */
function settled(state: CollapseState, backSince: number | null): CollapseState {
  return !state.collapsing && state.backSince === backSince
    ? state
    : { collapsing: false, pressureRef: state.pressureRef, tempRef: state.tempRef, unresolved: state.unresolved, backSince };
}

/** `pressure`, `temp`: the peaks the held levels fell from, null for a field that did not fall. */
function collapsed(s: CollapseSample, pressure: Peak | null, temp: Peak | null): Transition {
  const facts: RuleFact[] = [];
  if (pressure !== null) facts.push({ fact: 'supply_fell', field: 'supplyPressure', from: pressure.value, to: s.heldPressure!, withinMs: s.ts - pressure.ts });
  if (temp !== null) facts.push({ fact: 'supply_fell', field: 'supplyTemp', from: temp.value, to: s.heldTemp!, withinMs: s.ts - temp.ts });
  return { kind: 'open', rule: 'substation_collapse', at: s.ts, facts };
}

function recovered(state: CollapseState, s: CollapseSample, since: number): Transition {
  const pressureMPa = state.pressureRef === null || s.supplyPressure === undefined ? null : s.supplyPressure;
  const tempC = state.tempRef === null || s.supplyTemp === undefined ? null : s.supplyTemp;
  return { kind: 'recovered', rule: 'substation_collapse', at: s.ts, facts: [{ fact: 'supply_normal', pressureMPa, tempC, forMs: s.ts - since }] };
}
