/**
 * A heat-exchange substation: the primary side follows the plant's weather-compensation curve,
 * the secondary side its own, and every measured value lags its target through a first-order
 * response (hydraulics in seconds, water temperatures in minutes, a cold plant room in hours).
 * Pure: (params, state, inputs, dt) → state; the sensor noise of a sample is keyed, not drawn.
 */
import type { SubstationPayload } from '../ingest/contracts/payloads.ts';
import { between, gaussianNoise, type Random } from './prng.ts';

export interface SubstationParams {
  /** Commissioning differences: each station's curves sit a little above or below the plan. */
  curveOffset: number;
  secCurveOffset: number;
  /** Circulating primary flow at design load, m³/h. */
  designFlow: number;
  /** Pressure set points, MPa: far from the plant the supply pressure is lower. */
  supplyPressure: number;
  returnPressure: number;
  secSupplyPressure: number;
  secReturnPressure: number;
}

export interface SubstationState {
  supplyTemp: number;
  returnTemp: number;
  supplyPressure: number;
  returnPressure: number;
  flow: number;
  secSupplyTemp: number;
  secReturnTemp: number;
  secSupplyPressure: number;
  secReturnPressure: number;
  /** Water fed into the secondary network to keep it full, m³/h: a tight network needs ~0.3 % of the flow. */
  makeupFlow: number;
}

export interface SubstationInputs {
  outdoorTemp: number;
  /** Protection tripped: primary valve shut, secondary pumps stopped. */
  tripped: boolean;
  /** 0 … 1: how far a primary pipe burst has developed (back to 0 as it is repaired). */
  burst: number;
  /** The secondary circulation pump tripped alone: the primary stays open. */
  pumpStopped?: boolean;
  /** 1 = a healthy secondary pump; less: a failing one moving that share of the water. */
  pumpHealth?: number;
  /** A leak in the secondary network, m³/h: the make-up water replaces it. */
  leakM3h?: number;
}

/** The plant room and the idle pipes cool towards this, not towards the outdoor air. */
export const PLANT_ROOM_TEMP = 15;

function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}

/** Linear between the design points (+10 °C → low end, −8 °C → high end), clamped to the range. */
function curve(outdoor: number, low: number, high: number): number {
  return clamp(low + ((10 - outdoor) * (high - low)) / 18, low, high);
}

export const primarySupplyCurve = (outdoor: number) => curve(outdoor, 75, 110);
export const primaryReturnCurve = (outdoor: number) => curve(outdoor, 40, 55);
export const secondarySupplyCurve = (outdoor: number) => curve(outdoor, 45, 60);
export const secondaryReturnCurve = (outdoor: number) => curve(outdoor, 35, 45);

export function randomSubstationParams(random: Random): SubstationParams {
  return {
    curveOffset: between(random, -2, 2),
    secCurveOffset: between(random, -1, 1),
    designFlow: between(random, 80, 200),
    supplyPressure: between(random, 0.7, 0.92),
    returnPressure: between(random, 0.24, 0.34),
    secSupplyPressure: between(random, 0.42, 0.52),
    secReturnPressure: between(random, 0.22, 0.3),
  };
}

/** Where the station is heading under these inputs. */
export function substationTarget(p: SubstationParams, inputs: SubstationInputs): SubstationState {
  const to = inputs.outdoorTemp;
  // Load grows as the outdoor air cools below the 18 °C balance point; flow never stops fully.
  const load = clamp((18 - to) / 26, 0.3, 1.1);
  const burst = clamp(inputs.burst, 0, 1);
  const health = clamp(inputs.pumpHealth ?? 1, 0.2, 1);
  const flow = p.designFlow * (0.55 + 0.45 * load);
  const supplyTemp = clamp(primarySupplyCurve(to) + p.curveOffset, 75, 110);
  const returnTemp = clamp(primaryReturnCurve(to) + p.curveOffset * 0.3, 40, 55);
  const secSupplyTemp = clamp(secondarySupplyCurve(to) + p.secCurveOffset, 45, 60);
  const secReturnTemp = clamp(secondaryReturnCurve(to) + p.secCurveOffset * 0.5, 35, 45);
  // A failing secondary pump moves less water: the rooms take what heat they can from it, so the
  // secondary ΔT widens; the exchanger passes less heat, so the primary returns hotter.
  const secDeltaT = Math.min(35, (secSupplyTemp - secReturnTemp) / health);
  const normal: SubstationState = {
    supplyTemp,
    returnTemp: returnTemp + (1 - health) * (supplyTemp - returnTemp) * 0.6,
    // A burst drains the supply main: pressure collapses at the stations it feeds and their
    // flow stalls (the plant's make-up surges, not theirs); the stations' water cools.
    supplyPressure: Math.max(0.05, p.supplyPressure - 0.38 * burst),
    returnPressure: Math.max(0.05, p.returnPressure - 0.1 * burst),
    flow: flow * (1 - 0.8 * burst),
    secSupplyTemp: secSupplyTemp - 20 * burst,
    secReturnTemp: secSupplyTemp - secDeltaT - 15 * burst,
    secSupplyPressure: p.secReturnPressure + (p.secSupplyPressure - p.secReturnPressure) * health,
    secReturnPressure: p.secReturnPressure,
    makeupFlow: flow * 0.003 + Math.max(0, inputs.leakM3h ?? 0),
  };
  if (inputs.pumpStopped && !inputs.tripped) {
    // The secondary pump alone: no circulation, so the exchanger takes no heat — the primary
    // control valve throttles and the primary returns nearly as hot as it came.
    return {
      ...normal,
      returnTemp: supplyTemp - 5,
      flow: flow * 0.3,
      secSupplyTemp: PLANT_ROOM_TEMP + 10,
      secReturnTemp: PLANT_ROOM_TEMP + 8,
      secSupplyPressure: p.secReturnPressure + 0.01,
    };
  }
  if (!inputs.tripped) return normal;
  return {
    ...normal,
    supplyTemp: PLANT_ROOM_TEMP,
    returnTemp: PLANT_ROOM_TEMP,
    // A shut valve: no pressure drop across it, a trickle of leakage flow.
    supplyPressure: normal.supplyPressure + 0.02,
    flow: p.designFlow * 0.03,
    secSupplyTemp: PLANT_ROOM_TEMP,
    secReturnTemp: PLANT_ROOM_TEMP,
    // Secondary pumps stopped: both sides settle to the static pressure.
    secSupplyPressure: p.secReturnPressure + 0.01,
  };
}

/** Response times (s). Tripped, the water only loses heat to the building: hours, not minutes. */
const TAU_RUNNING: SubstationState = {
  supplyTemp: 1200,
  returnTemp: 1800,
  supplyPressure: 15,
  returnPressure: 15,
  flow: 60,
  secSupplyTemp: 600,
  secReturnTemp: 1200,
  secSupplyPressure: 20,
  secReturnPressure: 20,
  makeupFlow: 120,
};
const TAU_TRIPPED: SubstationState = { ...TAU_RUNNING, supplyTemp: 3 * 3600, returnTemp: 3 * 3600, secSupplyTemp: 5400, secReturnTemp: 7200 };

export function stepSubstation(p: SubstationParams, s: SubstationState, inputs: SubstationInputs, dtSec: number): SubstationState {
  const target = substationTarget(p, inputs);
  const tau = inputs.tripped ? TAU_TRIPPED : TAU_RUNNING;
  const next = { ...s };
  for (const key of Object.keys(s) as (keyof SubstationState)[]) {
    next[key] = s[key] + (target[key] - s[key]) * (1 - Math.exp(-dtSec / tau[key]));
  }
  return next;
}

/** Sensor noise (1 σ) and resolution per field. */
const SENSOR: Record<keyof SubstationState, { sigma: number; step: number }> = {
  supplyTemp: { sigma: 0.15, step: 0.1 },
  returnTemp: { sigma: 0.15, step: 0.1 },
  supplyPressure: { sigma: 0.003, step: 0.001 },
  returnPressure: { sigma: 0.003, step: 0.001 },
  flow: { sigma: 0.8, step: 0.1 },
  secSupplyTemp: { sigma: 0.1, step: 0.1 },
  secReturnTemp: { sigma: 0.1, step: 0.1 },
  secSupplyPressure: { sigma: 0.003, step: 0.001 },
  secReturnPressure: { sigma: 0.003, step: 0.001 },
  makeupFlow: { sigma: 0.02, step: 0.01 },
};

function quantise(v: number, step: number): number {
  return Number((Math.round(v / step) * step).toFixed(3));
}

/** What the controller reports: the state plus keyed sensor noise, rounded to its resolution. */
export function sampleSubstation(s: SubstationState, outdoorTemp: number, ts: number, noiseKey: readonly number[]): SubstationPayload {
  const read = (key: keyof SubstationState, i: number) =>
    quantise(Math.max(0, s[key] + SENSOR[key].sigma * gaussianNoise(...noiseKey, i)), SENSOR[key].step);
  return {
    ts,
    supplyTemp: read('supplyTemp', 1),
    returnTemp: read('returnTemp', 2),
    supplyPressure: read('supplyPressure', 3),
    returnPressure: read('returnPressure', 4),
    flow: read('flow', 5),
    secSupplyTemp: read('secSupplyTemp', 6),
    secReturnTemp: read('secReturnTemp', 7),
    secSupplyPressure: read('secSupplyPressure', 8),
    secReturnPressure: read('secReturnPressure', 9),
    makeupFlow: read('makeupFlow', 11),
    outdoorTemp: quantise(outdoorTemp + 0.2 * gaussianNoise(...noiseKey, 10), 0.1),
  };
}
