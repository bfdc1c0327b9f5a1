/**
 * The rules each kind of device runs, in order, on one reading of its history. Ranges were
 * checked on arrival; rates need the ordered history, so they are checked here, first: an
 * implausible reading is seen by no other rule. A room then runs room low and sudden drop; a
 * substation checks that its supply temperature did not rise faster than water can, then runs
 * the collapse rule.
 */
import { checkRate, type LastPlausible } from './check-plausibility.ts';
import type { DeviceProgram } from './device-timeline.ts';
import { evaluateRoomLow, ROOM_LOW_START, type RoomLowState } from './evaluate-room-low.ts';
import { COLLAPSE_START, evaluateSubstationCollapse, type CollapseState } from './evaluate-substation-collapse.ts';
import { evaluateSuddenDrop, SUDDEN_DROP_START, type SuddenDropState } from './evaluate-sudden-drop.ts';
import type { RulesConfig } from './rules-config.ts';
import { heldLevel, heldPeakBefore, MINUTE_MS, type Transition } from './rule-transition.ts';

export interface RoomState {
  readonly lastPlausible: LastPlausible | null;
  readonly low: RoomLowState;
  readonly drop: SuddenDropState;
}

/** The history columns each kind keeps: only what its rules read. */
export type RoomField = 'temp';
export type SubstationField = 'supplyPressure' | 'supplyTemp';

/**
 * `coveredByPromise`: the room type is one the 18 °C promise covers (服务承诺 二.1(2): 卧室、起居室);
 * other rooms still run the sudden-drop rule, which 二.1(4) does not limit to a room type.
 */
export function roomProgram(config: RulesConfig, coveredByPromise: boolean): DeviceProgram<RoomState, RoomField> {
  const dropWindowMs = config.suddenDrop.withinMin * MINUTE_MS;
  const { maxJumpC, jumpWithinMin } = config.plausibility.room;
  const jump = { maxC: maxJumpC, perMin: jumpWithinMin, direction: 'both' as const };
  return {
    initial: { lastPlausible: null, low: ROOM_LOW_START, drop: SUDDEN_DROP_START },
    fields: ['temp'],
    lookbackMs: dropWindowMs,
    step(state, history, i) {
      const ts = history.ts[i]!;
      const temp = history.values.temp[i]!;
      const eligible = history.eligible[i]!;
      const check = checkRate(state.lastPlausible, ts, temp, jump, 'temp');
      if (check.problem !== null) {
        return { state, transitions: [{ kind: 'data_quality', at: ts, detail: check.problem }], plausible: false };
      }
      const low = evaluateRoomLow(state.low, { ts, temp, counts: eligible && coveredByPromise }, config.roomLow);
      const peak = heldPeakBefore(history, i, dropWindowMs, 'temp');
      const held = heldLevel(history, i, dropWindowMs, 'temp');
      const drop = evaluateSuddenDrop(state.drop, { ts, temp, held, counts: eligible }, peak, config.suddenDrop);
      const transitions: Transition[] = [];
      if (drop.transition) transitions.push(drop.transition);
      if (low.transition) transitions.push(low.transition);
      return { state: { lastPlausible: check.last, low: low.state, drop: drop.state }, transitions, plausible: true };
    },
  };
}

export interface SubstationState {
  readonly lastSupplyTemp: LastPlausible | null;
  readonly collapse: CollapseState;
}

export function substationProgram(config: RulesConfig): DeviceProgram<SubstationState, SubstationField> {
  const c = config.substationCollapse;
  const pressureWindowMs = c.pressureWithinMin * MINUTE_MS;
  const tempWindowMs = c.supplyTempWithinMin * MINUTE_MS;
  const rise = { ...config.plausibility.supplyTempRise, direction: 'rise' as const };
  const reported = (v: number) => (Number.isNaN(v) ? undefined : v);
  return {
    initial: { lastSupplyTemp: null, collapse: COLLAPSE_START },
    fields: ['supplyPressure', 'supplyTemp'],
    lookbackMs: Math.max(pressureWindowMs, tempWindowMs),
    step(state, history, i) {
      const ts = history.ts[i]!;
      const supplyTemp = reported(history.values.supplyTemp[i]!);
      let lastSupplyTemp = state.lastSupplyTemp;
      if (supplyTemp !== undefined) {
        const check = checkRate(state.lastSupplyTemp, ts, supplyTemp, rise, 'supplyTemp');
        if (check.problem !== null) return { state, transitions: [{ kind: 'data_quality', at: ts, detail: check.problem }], plausible: false };
        lastSupplyTemp = check.last;
      }
      const sample = {
        ts,
        supplyPressure: reported(history.values.supplyPressure[i]!),
        supplyTemp,
        heldPressure: heldLevel(history, i, pressureWindowMs, 'supplyPressure'),
        heldTemp: heldLevel(history, i, tempWindowMs, 'supplyTemp'),
        counts: history.eligible[i]!,
      };
      const peaks = {
        supplyPressure: heldPeakBefore(history, i, pressureWindowMs, 'supplyPressure'),
        supplyTemp: heldPeakBefore(history, i, tempWindowMs, 'supplyTemp'),
      };
      const r = evaluateSubstationCollapse(state.collapse, sample, peaks, c);
      return { state: { lastSupplyTemp, collapse: r.state }, transitions: r.transition ? [r.transition] : [], plausible: true };
    },
  };
}
