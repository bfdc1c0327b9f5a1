/**
 * A substation fault seen on the substation's own readings, minutes after it happens and hours
 * before its rooms cross 18 °C (DESIGN.md §2, fault signatures; issue 17). Any of:
 *
 * - the secondary supply temperature falls `secSupplyDropC` within `secSupplyWithinMin`;
 * - the secondary pump's pressure difference (supply − return) collapses to `pumpTripFraction`
 *   of its level or less within `pumpTripWithinMin` (a pump trip), from a level a running pump
 *   holds (`minPumpDeltaPMPa`);
 * - the primary flow falls to `flowFraction` of its level or less within `flowWithinMin` while
 *   the primary supply pressure stays within `pressureHoldMPa` of its level: a valve or its
 *   actuator closed, not a burst (a burst is the collapse rule's);
 * - within `failingWithinMin` the secondary ΔT rises `failingSecRiseC` while the primary ΔT
 *   shrinks `failingPrimFallC`: a failing secondary pump moves too little water.
 *
 * Every level is held by two consecutive readings (held-window.ts), so one glitch neither falls
 * nor is fallen from. `open` carries a fact per signature that held; `recovered` comes once each
 * measure that fell is back near its level before (within 30 % of its threshold) for
 * `recoverForMin`. The emission gate pairs them into episodes, as for the other rules.
 *
 * Make-up water (a leak): above `makeupPercent` of the circulating flow for `forMin` opens;
 * at or below it for `recoverForMin` recovers.
 */
import type { RuleFact } from '../../contracts/rule-facts.ts';
import type { RulesConfig } from './rules-config.ts';
import { EPSILON, MINUTE_MS, type Peak, type Transition } from './rule-transition.ts';

/** The levels the measures that fell fell from (null: that signature did not fire). */
export interface FaultRefs {
  readonly secSupplyTemp: number | null;
  readonly pumpDeltaP: number | null;
  readonly flow: number | null;
  /** The secondary ΔT's low before it rose, the primary ΔT's high before it shrank. */
  readonly secDeltaT: number | null;
  readonly primDeltaT: number | null;
}

export interface FaultState {
  /** A signature held at the previous counted reading. */
  readonly faulting: boolean;
  readonly unresolved: boolean;
  readonly refs: FaultRefs | null;
  readonly backSince: number | null;
}

export const FAULT_START: FaultState = { faulting: false, unresolved: false, refs: null, backSince: null };

/** One reading: its values and the levels it and the reading before it both held. */
export interface FaultSample {
  ts: number;
  counts: boolean;
  /** The primary supply collapsed (a burst, the collapse rule's accident): what falls with it is no fault of the station's. */
  burst: boolean;
  secSupplyTemp: number | undefined;
  secDeltaP: number | undefined;
  flow: number | undefined;
  supplyPressure: number | undefined;
  secDeltaT: number | undefined;
  primDeltaT: number | undefined;
  heldSecSupplyTemp: number | undefined;
  heldSecDeltaP: number | undefined;
  heldFlow: number | undefined;
  heldPrimDeltaT: number | undefined;
  /** What the secondary ΔT of this reading and the one before both rose to (the lower of the two). */
  risenSecDeltaT: number | undefined;
}

/** The levels before this reading within each window (`secDeltaTLow`: the lowest, not the highest). */
export interface FaultPeaks {
  secSupplyTemp: Peak | null;
  secDeltaP: Peak | null;
  flow: Peak | null;
  supplyPressure: Peak | null;
  primDeltaT: Peak | null;
  secDeltaTLow: Peak | null;
}

type FaultConfig = RulesConfig['substationFault'];

export function evaluateSubstationFault(state: FaultState, s: FaultSample, p: FaultPeaks, config: FaultConfig): { state: FaultState; transition: Transition | null } {
  const facts: RuleFact[] = [];
  let refs: FaultRefs | null = null;
  // During a burst on the main (the collapse rule's accident) what falls at the station is that accident's.
  if (s.counts && !s.burst) {
    const sec = p.secSupplyTemp;
    if (sec !== null && s.heldSecSupplyTemp !== undefined && sec.value - s.heldSecSupplyTemp >= config.secSupplyDropC - EPSILON) {
      facts.push({ fact: 'supply_fell', field: 'secSupplyTemp', from: sec.value, to: s.heldSecSupplyTemp, withinMs: s.ts - sec.ts });
      refs = withRef(refs, 'secSupplyTemp', sec.value);
    }
    const dp = p.secDeltaP;
    if (dp !== null && s.heldSecDeltaP !== undefined && dp.value >= config.minPumpDeltaPMPa - EPSILON && s.heldSecDeltaP <= dp.value * config.pumpTripFraction + EPSILON) {
      facts.push({ fact: 'pump_stopped', fromMPa: dp.value, toMPa: s.heldSecDeltaP, withinMs: s.ts - dp.ts });
      refs = withRef(refs, 'pumpDeltaP', dp.value);
    }
    const flow = p.flow;
    const pressure = p.supplyPressure;
    if (
      flow !== null &&
      flow.value > 0 &&
      s.heldFlow !== undefined &&
      s.heldFlow <= flow.value * config.flowFraction + EPSILON &&
      pressure !== null &&
      s.supplyPressure !== undefined &&
      pressure.value - s.supplyPressure <= config.pressureHoldMPa + EPSILON
    ) {
      facts.push({ fact: 'flow_collapsed', from: flow.value, to: s.heldFlow, withinMs: s.ts - flow.ts, pressureMPa: s.supplyPressure });
      refs = withRef(refs, 'flow', flow.value);
    }
    const low = p.secDeltaTLow;
    const high = p.primDeltaT;
    if (
      low !== null &&
      high !== null &&
      s.risenSecDeltaT !== undefined &&
      s.heldPrimDeltaT !== undefined &&
      s.risenSecDeltaT - low.value >= config.failingSecRiseC - EPSILON &&
      high.value - s.heldPrimDeltaT >= config.failingPrimFallC - EPSILON
    ) {
      facts.push({ fact: 'pump_failing', secFromC: low.value, secToC: s.risenSecDeltaT, primFromC: high.value, primToC: s.heldPrimDeltaT, withinMs: s.ts - Math.min(low.ts, high.ts) });
      refs = withRef(withRef(refs, 'secDeltaT', low.value), 'primDeltaT', high.value);
    }
  }
  if (facts.length > 0) {
    const merged = merge(state.refs, refs!);
    const next: FaultState = { faulting: true, unresolved: true, refs: merged, backSince: null };
    return { state: next, transition: state.faulting ? null : { kind: 'open', rule: 'substation_fault', at: s.ts, facts } };
  }
  if (!state.unresolved || state.refs === null) return { state: state.faulting || state.unresolved ? FAULT_START : state, transition: null };
  if (!isBack(state.refs, s, config)) return { state: state.faulting || state.backSince !== null ? { ...state, faulting: false, backSince: null } : state, transition: null };
  const since = state.backSince ?? s.ts;
  if (s.ts - since < config.recoverForMin * MINUTE_MS) return { state: state.backSince === since && !state.faulting ? state : { ...state, faulting: false, backSince: since }, transition: null };
  return { state: FAULT_START, transition: { kind: 'recovered', rule: 'substation_fault', at: s.ts, facts: [{ fact: 'substation_normal', forMs: s.ts - since }] } };
}

const NO_REFS: FaultRefs = { secSupplyTemp: null, pumpDeltaP: null, flow: null, secDeltaT: null, primDeltaT: null };

function withRef(refs: FaultRefs | null, key: keyof FaultRefs, value: number): FaultRefs {
  return { ...(refs ?? NO_REFS), [key]: value };
}

/** The levels before the fault, kept from its first reading (a later, lower level is not "before"). */
function merge(old: FaultRefs | null, now: FaultRefs): FaultRefs {
  if (old === null) return now;
  return {
    secSupplyTemp: old.secSupplyTemp ?? now.secSupplyTemp,
    pumpDeltaP: old.pumpDeltaP ?? now.pumpDeltaP,
    flow: old.flow ?? now.flow,
    secDeltaT: old.secDeltaT ?? now.secDeltaT,
    primDeltaT: old.primDeltaT ?? now.primDeltaT,
  };
}

/** Each measure that fell is back within 30 % of its threshold of where it was before. */
function isBack(refs: FaultRefs, s: FaultSample, c: FaultConfig): boolean {
  const near = (value: number | undefined, ref: number | null, ok: (v: number, r: number) => boolean) => ref === null || (value !== undefined && ok(value, ref));
  return (
    near(s.secSupplyTemp, refs.secSupplyTemp, (v, r) => v >= r - 0.3 * c.secSupplyDropC - EPSILON) &&
    near(s.secDeltaP, refs.pumpDeltaP, (v, r) => v >= r * (1 - 0.3 * (1 - c.pumpTripFraction)) - EPSILON) &&
    near(s.flow, refs.flow, (v, r) => v >= r * (1 - 0.3 * (1 - c.flowFraction)) - EPSILON) &&
    near(s.secDeltaT, refs.secDeltaT, (v, r) => v <= r + 0.3 * c.failingSecRiseC + EPSILON) &&
    near(s.primDeltaT, refs.primDeltaT, (v, r) => v >= r - 0.3 * c.failingPrimFallC - EPSILON)
  );
}

export interface LeakState {
  /** Above the limit since (event time), or null. */
  readonly highSince: number | null;
  readonly leaking: boolean;
  /** Back at or below the limit since, while leaking. */
  readonly lowSince: number | null;
}

export const LEAK_START: LeakState = { highSince: null, leaking: false, lowSince: null };

/** `percent`: this reading's make-up water as a share of the circulating flow, or undefined. */
export function evaluateLeak(state: LeakState, ts: number, percent: number | undefined, counts: boolean, config: RulesConfig['leak']): { state: LeakState; transition: Transition | null } {
  // A reading without the make-up flow, or during a registered stop (the network is being drained and refilled), says nothing.
  if (percent === undefined || !counts) return { state, transition: null };
  if (percent > config.makeupPercent + EPSILON) {
    const highSince = state.highSince ?? ts;
    if (!state.leaking && ts - highSince >= config.forMin * MINUTE_MS) {
      return { state: { highSince, leaking: true, lowSince: null }, transition: { kind: 'open', rule: 'substation_leak', at: ts, facts: [{ fact: 'makeup_high', percent, limitPercent: config.makeupPercent, forMs: ts - highSince }] } };
    }
    return { state: state.highSince === highSince && state.lowSince === null ? state : { highSince, leaking: state.leaking, lowSince: null }, transition: null };
  }
  if (!state.leaking) return { state: state.highSince === null ? state : LEAK_START, transition: null };
  const lowSince = state.lowSince ?? ts;
  if (ts - lowSince >= config.recoverForMin * MINUTE_MS) {
    return { state: LEAK_START, transition: { kind: 'recovered', rule: 'substation_leak', at: ts, facts: [{ fact: 'makeup_normal', percent, forMs: ts - lowSince }] } };
  }
  return { state: state.lowSince === lowSince && state.highSince === null ? state : { highSince: null, leaking: true, lowSince }, transition: null };
}
