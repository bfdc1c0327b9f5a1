/**
 * A monitored room: one thermal mass (time constant of many hours) warmed by a radiator fed
 * from its substation's secondary side and losing heat to the outdoor air.
 *
 *   τ · dT/dt = g · f · (Tw − T)^1.3 − (T − To) + Gi
 *
 * Tw is the mean radiator water temperature ((secondary supply + return) / 2), 1.3 the usual
 * radiator exponent, g the radiator-to-loss ratio (a top-floor or gable-end room loses more, a
 * poorly balanced riser gives less), f how far the radiator valve is open (1 = healthy; a valve
 * stuck at a low setting throttles it around that temperature, whatever the weather) and Gi the
 * free heat from people and appliances. Pure functions of their arguments.
 */
import type { RoomPayload } from '../ingest/contracts/payloads.ts';
import { gaussianNoise, type Random, between } from './prng.ts';
import { DAY_MS } from '../ingest/contracts/beijing-time.ts';

export interface RoomParams {
  heatRatio: number;
  tauHours: number;
  internalGain: number;
  humidityBase: number;
  batteryStart: number;
  rssiBase: number;
}

export interface RoomInputs {
  outdoorTemp: number;
  waterTemp: number;
  /** 1 for a healthy radiator; a scenario fault lowers it. */
  heatFactor: number;
  /** A thermostatic valve stuck at a low setting (°C), or null when the radiator runs open. */
  valveSetpoint: number | null;
}

export interface RoomSituation {
  topFloor: boolean;
  groundFloor: boolean;
  gableEnd: boolean;
  /** 1 for a well balanced riser; lower when the room's radiator is starved of flow. */
  balance: number;
}

const RADIATOR_EXPONENT = 1.3;
/** Sized so a healthy middle room holds ~21 °C at the design point (−8 °C outdoors, Tw 52.5 °C). */
const RADIATOR_SIZING = 0.31;

export function randomRoomParams(situation: RoomSituation, random: Random): RoomParams {
  // Roof and gable walls add loss area; the ground floor sits on a cold slab.
  const loss =
    between(random, 0.95, 1.05) + (situation.topFloor ? 0.14 : 0) + (situation.gableEnd ? 0.1 : 0) + (situation.groundFloor ? 0.04 : 0);
  // Designers size radiators up for the extra loss, but not all the way: exposed rooms run cooler.
  const radiator = RADIATOR_SIZING * Math.pow(loss, 0.8) * situation.balance;
  return {
    heatRatio: radiator / loss,
    // Heavy brick-and-concrete blocks: ~30 h for a middle room, less where more heat leaks out.
    tauHours: between(random, 26, 34) / loss,
    internalGain: between(random, 1, 2),
    humidityBase: between(random, 30, 44),
    batteryStart: between(random, 3.04, 3.12),
    rssiBase: between(random, -95, -58),
  };
}

/** Proportional valve: fully open 0.5 °C below its setting, shut 0.5 °C above. */
export function valveOpening(temp: number, setpoint: number | null): number {
  if (setpoint === null) return 1;
  return Math.min(1, Math.max(0, setpoint + 0.5 - temp));
}

/** Heat balance in °C of equilibrium shift: positive warms the room. */
function heatBalance(p: RoomParams, temp: number, inputs: RoomInputs): number {
  const opening = inputs.heatFactor * valveOpening(temp, inputs.valveSetpoint);
  const radiator = p.heatRatio * opening * Math.pow(Math.max(0, inputs.waterTemp - temp), RADIATOR_EXPONENT);
  return radiator - (temp - inputs.outdoorTemp) + p.internalGain;
}

export function stepRoom(p: RoomParams, temp: number, inputs: RoomInputs, dtSec: number): number {
  return temp + (heatBalance(p, temp, inputs) * dtSec) / (p.tauHours * 3600);
}

/** The temperature the room settles at under constant inputs (bisection: the balance falls with T). */
export function roomEquilibrium(p: RoomParams, inputs: RoomInputs): number {
  let lo = inputs.outdoorTemp + p.internalGain;
  let hi = Math.max(lo, inputs.waterTemp);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (heatBalance(p, mid, inputs) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Days since this heating season's start (15 Nov): batteries were changed before the season. */
function seasonDays(t: number): number {
  const d = new Date(t);
  const year = d.getUTCMonth() >= 6 ? d.getUTCFullYear() : d.getUTCFullYear() - 1;
  return Math.max(0, (t - Date.UTC(year, 10, 15)) / DAY_MS);
}

/** A reading as the sensor sends it: 0.1 °C resolution, whole-percent humidity, dBm. */
export function sampleRoom(p: RoomParams, temp: number, ts: number, noiseKey: readonly number[]): RoomPayload {
  const measured = Math.round((temp + 0.05 * gaussianNoise(...noiseKey, 1)) * 10) / 10;
  // Heating dries the air: relative humidity drops as the room warms.
  const humidity = Math.round(Math.min(70, Math.max(15, p.humidityBase - 1.5 * (temp - 20) + 1.5 * gaussianNoise(...noiseKey, 2))));
  const battery = Math.round((p.batteryStart - 0.0015 * seasonDays(ts) + 0.004 * gaussianNoise(...noiseKey, 3)) * 100) / 100;
  const rssi = Math.round(Math.min(-30, Math.max(-120, p.rssiBase + 3 * gaussianNoise(...noiseKey, 4))));
  return { ts, temp: measured, humidity, battery, rssi };
}
