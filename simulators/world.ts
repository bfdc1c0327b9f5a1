/**
 * The simulated network in fixed steps of sim time: substations every 10 s, rooms every 60 s.
 * Readings depend only on (fleet, plan, seed, start) and the sim time they are taken at, never
 * on how far or how often the world is advanced, so a run at 3600× reproduces one at 1×.
 * Deterministic and free of I/O and clocks; its state is mutated in place for speed (10 000
 * rooms × 1 440 steps per simulated day).
 */
import type { DeviceKind } from '../ingest/contracts/topics.ts';
import { garble, type Emission } from './bad-data.ts';
import type { Fleet } from './fleet.ts';
import { noise } from './prng.ts';
import { roomEquilibrium, sampleRoom, stepRoom } from './room-model.ts';
import type { ScenarioPlan } from './scenarios.ts';
import { DAY_MS, HOUR_MS } from '../ingest/contracts/beijing-time.ts';
import { sampleSubstation, stepSubstation, substationTarget, type SubstationInputs, type SubstationState } from './substation-model.ts';
import { dailyMeanTemp, outdoorTemp } from './weather.ts';

export const SUBSTATION_STEP_MS = 10_000;
export const ROOM_STEP_MS = 60_000;
const ROOM_EVERY = ROOM_STEP_MS / SUBSTATION_STEP_MS;
/** Run a day before `start` so rooms carry yesterday's heat, not a textbook equilibrium. */
const WARM_UP_MS = DAY_MS;

export type EmitFn = (kind: DeviceKind, index: number, emission: Emission) => void;

export interface WorldOptions {
  fleet: Fleet;
  plan: ScenarioPlan;
  seed: number;
  start: number;
}

export interface World {
  /** Sim time the world has been stepped to (epoch ms). */
  readonly time: number;
  /** Steps up to `t`, emitting every reading sampled on the way, in time order. */
  advanceTo(t: number, emit: EmitFn): void;
  /** True (noise-free) states, for tests and diagnostics. */
  roomTemp(index: number): number;
  substation(index: number): Readonly<SubstationState>;
  outdoor(t: number): number;
}

const KIND_CODE: Record<DeviceKind, number> = { room: 1, substation: 2 };

interface Schedule {
  next: number[];
  phase: number[];
  intervalMs: number[];
}

function schedule(seed: number, kind: DeviceKind, devices: { device: { intervalSec?: number } }[], start: number, grainMs: number): Schedule {
  // Sensors are not synchronised: each starts at its own offset within its interval.
  const intervalMs = devices.map((d) => (d.device.intervalSec ?? 60) * 1000);
  const phase = intervalMs.map((ms, i) => Math.floor(noise(seed, KIND_CODE[kind], i, 0x9a5e) * Math.max(1, ms / grainMs)) * grainMs);
  return { next: phase.map((p) => start + p), phase, intervalMs };
}

const deviceKey = (kind: DeviceKind, index: number) => `${kind}:${index}`;

export function createWorld({ fleet, plan, seed, start }: WorldOptions): World {
  const trips = new Map(plan.trips.map((t) => [t.substation, t.at]));
  const bursts = new Map(plan.bursts.map((b) => [b.substation, b]));
  const valves = new Map(plan.stuckValves.map((v) => [v.room, v]));
  const dropouts = new Map<string, { from: number; to: number }[]>();
  for (const d of plan.dropouts) {
    const key = deviceKey(d.device.kind, d.device.index);
    dropouts.set(key, [...(dropouts.get(key) ?? []), d]);
  }
  const garbageFrom = new Map(plan.garblers.map((g) => [deviceKey(g.device.kind, g.device.index), g.from]));

  const pumpStops = new Map(plan.pumpStops.map((p) => [p.substation, p.at]));
  const failing = new Map(plan.failingPumps.map((f) => [f.substation, f]));
  const leaks = new Map(plan.leaks.map((l) => [l.substation, l]));
  const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
  /** Outdoor air, its daily mean brought down through a cold snap (its edges over 3 h: a front, not a step). */
  const air = (t: number): number => {
    let drop = 0;
    for (const c of plan.coldSnaps) drop += Math.max(0, dailyMeanTemp(seed, t) - c.meanC) * clamp01(Math.min(t - c.from, c.to - t) / (3 * HOUR_MS));
    return outdoorTemp(seed, t) - drop;
  };

  const ssInputs = (i: number, t: number, outdoor: number): SubstationInputs => {
    const trip = trips.get(i);
    const burst = bursts.get(i);
    const pumpStop = pumpStops.get(i);
    const fail = failing.get(i);
    const leak = leaks.get(i);
    // A burst develops over its ramp and, once the main is repaired, goes back the same way.
    const burstLevel = burst === undefined ? 0 : Math.min(clamp01((t - burst.at) / (burst.rampSec * 1000)), burst.repairAt === undefined ? 1 : clamp01(1 - (t - burst.repairAt) / (burst.rampSec * 1000)));
    return {
      outdoorTemp: outdoor,
      tripped: trip !== undefined && t >= trip,
      burst: burstLevel,
      pumpStopped: pumpStop !== undefined && t >= pumpStop,
      pumpHealth: fail === undefined ? 1 : 1 - (1 - fail.health) * clamp01((t - fail.at) / (fail.rampMin * 60_000)),
      leakM3h: leak !== undefined && t >= leak.at ? leak.m3h : 0,
    };
  };

  let time = start - WARM_UP_MS;
  const outdoor0 = air(time);
  const ss: SubstationState[] = fleet.substations.map((s, i) => substationTarget(s.params, ssInputs(i, time, outdoor0)));
  // Rooms begin at the equilibrium of the day's mean weather; the warm-up adds the daily swing.
  const mean0 = dailyMeanTemp(seed, time);
  const rooms: number[] = fleet.rooms.map((r) => {
    const feed = substationTarget(fleet.substations[r.substation]!.params, { outdoorTemp: mean0, tripped: false, burst: 0 });
    return roomEquilibrium(r.params, { outdoorTemp: mean0, waterTemp: (feed.secSupplyTemp + feed.secReturnTemp) / 2, heatFactor: 1, valveSetpoint: null });
  });
  const ssSchedule = schedule(seed, 'substation', fleet.substations, start, SUBSTATION_STEP_MS);
  const roomSchedule = schedule(seed, 'room', fleet.rooms, start, ROOM_STEP_MS);
  let stepCount = 0;

  function silent(kind: DeviceKind, i: number, t: number): boolean {
    return (dropouts.get(deviceKey(kind, i)) ?? []).some((d) => t >= d.from && t < d.to);
  }

  function emitDue(kind: DeviceKind, sched: Schedule, i: number, emit: EmitFn, outdoor: number): void {
    while (sched.next[i]! <= time) {
      const ts = sched.next[i]!;
      sched.next[i] = ts + sched.intervalMs[i]!;
      if (silent(kind, i, ts)) continue;
      const sampleIndex = Math.round((ts - start - sched.phase[i]!) / sched.intervalMs[i]!);
      const key = [seed, KIND_CODE[kind], i, sampleIndex];
      const payload =
        kind === 'room' ? sampleRoom(fleet.rooms[i]!.params, rooms[i]!, ts, key) : sampleSubstation(ss[i]!, outdoor, ts, key);
      const from = garbageFrom.get(deviceKey(kind, i));
      const garbling = from !== undefined && ts >= from;
      emit(kind, i, garbling ? garble(kind, { ...payload, ts }, key) : { ts, payload });
    }
  }

  function step(emit: EmitFn | null): void {
    time += SUBSTATION_STEP_MS;
    stepCount++;
    const outdoor = air(time);
    for (let i = 0; i < ss.length; i++) {
      ss[i] = stepSubstation(fleet.substations[i]!.params, ss[i]!, ssInputs(i, time, outdoor), SUBSTATION_STEP_MS / 1000);
      if (emit) emitDue('substation', ssSchedule, i, emit, outdoor);
    }
    if (stepCount % ROOM_EVERY !== 0) return;
    for (let i = 0; i < rooms.length; i++) {
      const room = fleet.rooms[i]!;
      const feed = ss[room.substation]!;
      const valve = valves.get(i);
      rooms[i] = stepRoom(
        room.params,
        rooms[i]!,
        {
          outdoorTemp: outdoor,
          waterTemp: (feed.secSupplyTemp + feed.secReturnTemp) / 2,
          heatFactor: 1,
          valveSetpoint: valve !== undefined && time >= valve.at ? valve.setpoint : null,
        },
        ROOM_STEP_MS / 1000,
      );
      if (emit) emitDue('room', roomSchedule, i, emit, outdoor);
    }
  }

  while (time + SUBSTATION_STEP_MS <= start) step(null);

  return {
    get time() {
      return time;
    },
    advanceTo(t, emit) {
      while (time + SUBSTATION_STEP_MS <= t) step(emit);
    },
    roomTemp: (i) => rooms[i]!,
    substation: (i) => ss[i]!,
    outdoor: air,
  };
}
