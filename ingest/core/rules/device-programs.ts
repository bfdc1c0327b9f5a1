/**
 * The rules each kind of device runs, in order, on one reading of its history. Ranges were
 * checked on arrival; rates need the ordered history, so they are checked here, first: an
 * implausible reading is seen by no other rule. A room then runs room low and sudden drop; a
 * substation checks that its supply temperature did not rise faster than water can, then runs
 * the collapse rule.
 *
 * The state is the device's own and updated in place (the rule states inside are immutable and
 * replaced only when they change); `copyInto` serves the timeline's checkpoints.
 */
import { checkRate, type LastPlausible } from './check-plausibility.ts';
import type { DeviceProgram } from './device-timeline.ts';
import type { DeviceHistory } from './device-history.ts';
import type { HeldWindow } from './held-window.ts';
import { evaluateRoomLow, ROOM_LOW_START, type RoomLowSample, type RoomLowState } from './evaluate-room-low.ts';
import { COLLAPSE_START, evaluateSubstationCollapse, type CollapsePeaks, type CollapseSample, type CollapseState } from './evaluate-substation-collapse.ts';
import { evaluateSuddenDrop, SUDDEN_DROP_START, type SuddenDropSample, type SuddenDropState } from './evaluate-sudden-drop.ts';
import { evaluateLeak, evaluateSubstationFault, FAULT_START, LEAK_START, type FaultPeaks, type FaultSample, type FaultState, type LeakState } from './evaluate-substation-fault.ts';
import type { RulesConfig } from './rules-config.ts';
import { MINUTE_MS, type Peak } from './rule-transition.ts';

/**
 * The rule steps, bound once. Under tsx's CommonJS output (a script outside this package that
 * imports the engine) every read of an imported binding is two getter calls and a megamorphic
 * lookup, and these run for every reading: it was about a quarter of the engine's time.
 */
const rules = { checkRate, evaluateRoomLow, evaluateSuddenDrop, evaluateSubstationCollapse, evaluateSubstationFault, evaluateLeak };

/**
 * The state carries the last plausible value itself (`ts` NaN: none yet) rather than pointing to
 * it: one object less to reach per reading.
 */
export interface RoomState extends LastPlausible {
  low: RoomLowState;
  drop: SuddenDropState;
}

/** The history columns each kind keeps: only what its rules read. */
export type RoomField = 'temp';
/**
 * A substation's columns: reported ones, and those derived on arrival (rules-engine.ts): the
 * secondary pump's pressure difference, both ΔTs (the secondary one negated, so that its window's
 * peak is its low) and the make-up water as a percentage of the circulating flow.
 */
export type SubstationField = 'supplyPressure' | 'supplyTemp' | 'secSupplyTemp' | 'secDeltaP' | 'flow' | 'primDeltaT' | 'secDeltaTNeg' | 'makeupPct';

/** The last plausible value `state` carries, or null. */
const lastOf = (state: LastPlausible): LastPlausible | null => (Number.isNaN(state.ts) ? null : state);

/** The window's peak before reading `i`, written into `into`, or null. */
function peakBefore(w: HeldWindow, h: DeviceHistory<string>, i: number, into: Peak): Peak | null {
  const k = w.peak(h, i);
  if (k < 0) return null;
  into.ts = h.ts(k);
  into.value = w.pairLevel(h, k);
  return into;
}

/** A peak to write into (NaN so that V8 stores its fields as doubles from the start). */
const scratchPeak = (): Peak => ({ ts: Number.NaN, value: Number.NaN });

function levelOf(w: HeldWindow, h: DeviceHistory<string>, i: number): number | undefined {
  const level = w.level(h, i);
  return Number.isNaN(level) ? undefined : level;
}

/**
 * `coveredByPromise`: the room type is one the 18 °C promise covers (服务承诺 二.1(2): 卧室、起居室);
 * other rooms still run the sudden-drop rule, which 二.1(4) does not limit to a room type.
 */
export function roomProgram(config: RulesConfig, coveredByPromise: boolean): DeviceProgram<RoomState, RoomField> {
  const { maxJumpC, jumpWithinMin } = config.plausibility.room;
  const jump = { maxC: maxJumpC, perMin: jumpWithinMin, direction: 'both' as const };
  // What the rule steps read and never keep, reused from step to step: a reading allocates no
  // objects (one program serves every room of its kind, one step at a time).
  const lowSample: RoomLowSample = { ts: Number.NaN, temp: Number.NaN, counts: false };
  const dropSample: SuddenDropSample = { ts: Number.NaN, temp: Number.NaN, held: undefined, counts: false };
  const peak = scratchPeak();
  return {
    fields: ['temp'],
    windows: [{ field: 'temp', windowMs: config.suddenDrop.withinMin * MINUTE_MS }],
    start: () => ({ ts: Number.NaN, value: Number.NaN, low: ROOM_LOW_START, drop: SUDDEN_DROP_START }),
    copyInto(target, source) {
      target.ts = source.ts;
      target.value = source.value;
      target.low = source.low;
      target.drop = source.drop;
    },
    step(state, history, held, i, out) {
      const window = held[0]!;
      const ts = history.ts(i);
      const temp = history.value(i, window.column);
      const eligible = history.eligible(i);
      const problem = rules.checkRate(lastOf(state), ts, temp, jump, 'temp');
      if (problem !== null) {
        out.push({ kind: 'data_quality', at: ts, facts: [problem] });
        return false;
      }
      state.ts = ts;
      state.value = temp;
      lowSample.ts = dropSample.ts = ts;
      lowSample.temp = dropSample.temp = temp;
      lowSample.counts = eligible && coveredByPromise;
      dropSample.counts = eligible;
      dropSample.held = levelOf(window, history, i);
      const low = rules.evaluateRoomLow(state.low, lowSample, config.roomLow);
      const drop = rules.evaluateSuddenDrop(state.drop, dropSample, peakBefore(window, history, i, peak), config.suddenDrop);
      if (drop.transition) out.push(drop.transition);
      if (low.transition) out.push(low.transition);
      state.low = low.state;
      state.drop = drop.state;
      return true;
    },
  };
}

/** The last plausible supply temperature, carried as in `RoomState`. */
export interface SubstationState extends LastPlausible {
  collapse: CollapseState;
  fault: FaultState;
  leak: LeakState;
}

export function substationProgram(config: RulesConfig): DeviceProgram<SubstationState, SubstationField> {
  const c = config.substationCollapse;
  const f = config.substationFault;
  const rise = { ...config.plausibility.supplyTempRise, direction: 'rise' as const };
  const reported = (v: number) => (Number.isNaN(v) ? undefined : v);
  // Reused from step to step, as in `roomProgram`.
  const sample: CollapseSample = { ts: Number.NaN, supplyPressure: undefined, supplyTemp: undefined, heldPressure: undefined, heldTemp: undefined, counts: false };
  const pressurePeak = scratchPeak();
  const tempPeak = scratchPeak();
  const peaks: CollapsePeaks = { supplyPressure: null, supplyTemp: null };
  const faultSample: FaultSample = {
    ts: Number.NaN,
    counts: false,
    burst: false,
    secSupplyTemp: undefined,
    secDeltaP: undefined,
    flow: undefined,
    supplyPressure: undefined,
    secDeltaT: undefined,
    primDeltaT: undefined,
    heldSecSupplyTemp: undefined,
    heldSecDeltaP: undefined,
    heldFlow: undefined,
    heldPrimDeltaT: undefined,
    risenSecDeltaT: undefined,
  };
  const faultPeaks: FaultPeaks = { secSupplyTemp: null, secDeltaP: null, flow: null, supplyPressure: null, primDeltaT: null, secDeltaTLow: null };
  const scratch = [scratchPeak(), scratchPeak(), scratchPeak(), scratchPeak(), scratchPeak()] as const;
  const negated = (x: number | undefined) => (x === undefined ? undefined : -x);
  const fields: SubstationField[] = ['supplyPressure', 'supplyTemp', 'secSupplyTemp', 'secDeltaP', 'flow', 'primDeltaT', 'secDeltaTNeg', 'makeupPct'];
  // A history's value columns are 1 … fields.length, in this order (device-history.ts).
  const makeupColumn = fields.indexOf('makeupPct') + 1;
  return {
    fields,
    windows: [
      { field: 'supplyPressure', windowMs: c.pressureWithinMin * MINUTE_MS },
      { field: 'supplyTemp', windowMs: c.supplyTempWithinMin * MINUTE_MS },
      { field: 'secSupplyTemp', windowMs: f.secSupplyWithinMin * MINUTE_MS },
      { field: 'secDeltaP', windowMs: f.pumpTripWithinMin * MINUTE_MS },
      { field: 'flow', windowMs: f.flowWithinMin * MINUTE_MS },
      { field: 'primDeltaT', windowMs: f.failingWithinMin * MINUTE_MS },
      { field: 'secDeltaTNeg', windowMs: f.failingWithinMin * MINUTE_MS },
    ],
    start: () => ({ ts: Number.NaN, value: Number.NaN, collapse: COLLAPSE_START, fault: FAULT_START, leak: LEAK_START }),
    copyInto(target, source) {
      target.ts = source.ts;
      target.value = source.value;
      target.collapse = source.collapse;
      target.fault = source.fault;
      target.leak = source.leak;
    },
    step(state, history, held, i, out) {
      const pressure = held[0]!;
      const temp = held[1]!;
      const ts = history.ts(i);
      const supplyTemp = reported(history.value(i, temp.column));
      if (supplyTemp !== undefined) {
        const problem = rules.checkRate(lastOf(state), ts, supplyTemp, rise, 'supplyTemp');
        if (problem !== null) {
          out.push({ kind: 'data_quality', at: ts, facts: [problem] });
          return false;
        }
        state.ts = ts;
        state.value = supplyTemp;
      }
      sample.ts = ts;
      sample.supplyPressure = reported(history.value(i, pressure.column));
      sample.supplyTemp = supplyTemp;
      sample.heldPressure = levelOf(pressure, history, i);
      sample.heldTemp = levelOf(temp, history, i);
      sample.counts = history.eligible(i);
      peaks.supplyPressure = peakBefore(pressure, history, i, pressurePeak);
      peaks.supplyTemp = peakBefore(temp, history, i, tempPeak);
      const r = rules.evaluateSubstationCollapse(state.collapse, sample, peaks, c);
      if (r.transition) out.push(r.transition);
      state.collapse = r.state;

      // The fault signatures (evaluate-substation-fault.ts), on the same reading.
      const [secTemp, deltaP, flow, primDeltaT, secDeltaTNeg] = [held[2]!, held[3]!, held[4]!, held[5]!, held[6]!];
      faultSample.ts = ts;
      faultSample.counts = sample.counts;
      faultSample.burst = state.collapse.unresolved;
      faultSample.secSupplyTemp = reported(history.value(i, secTemp.column));
      faultSample.secDeltaP = reported(history.value(i, deltaP.column));
      faultSample.flow = reported(history.value(i, flow.column));
      faultSample.supplyPressure = sample.supplyPressure;
      faultSample.secDeltaT = negated(reported(history.value(i, secDeltaTNeg.column)));
      faultSample.primDeltaT = reported(history.value(i, primDeltaT.column));
      faultSample.heldSecSupplyTemp = levelOf(secTemp, history, i);
      faultSample.heldSecDeltaP = levelOf(deltaP, history, i);
      faultSample.heldFlow = levelOf(flow, history, i);
      faultSample.heldPrimDeltaT = levelOf(primDeltaT, history, i);
      faultSample.risenSecDeltaT = negated(levelOf(secDeltaTNeg, history, i));
      faultPeaks.secSupplyTemp = peakBefore(secTemp, history, i, scratch[0]);
      faultPeaks.secDeltaP = peakBefore(deltaP, history, i, scratch[1]);
      faultPeaks.flow = peakBefore(flow, history, i, scratch[2]);
      faultPeaks.supplyPressure = peaks.supplyPressure;
      faultPeaks.primDeltaT = peakBefore(primDeltaT, history, i, scratch[3]);
      const low = peakBefore(secDeltaTNeg, history, i, scratch[4]);
      if (low !== null) low.value = -low.value;
      faultPeaks.secDeltaTLow = low;
      const fault = rules.evaluateSubstationFault(state.fault, faultSample, faultPeaks, f);
      if (fault.transition) out.push(fault.transition);
      state.fault = fault.state;

      // Make-up water is judged against a circulating flow: not while the station's flow is down
      // with a fault or a burst (a shut valve makes any make-up look like a leak).
      const leak = rules.evaluateLeak(state.leak, ts, reported(history.value(i, makeupColumn)), sample.counts && !state.fault.unresolved && !state.collapse.unresolved, config.leak);
      if (leak.transition) out.push(leak.transition);
      state.leak = leak.state;
      return true;
    },
  };
}
