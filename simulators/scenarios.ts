/**
 * Scenarios: what goes wrong, to whom and when, as plain data planned once from the fleet and
 * the seed. The world applies the plan while it steps; the CLI prints its events. Times are
 * sim time relative to the run's start, so a 60× replay shows the same faults as real time.
 */
import type { DeviceKind } from '../ingest/contracts/topics.ts';
import type { Fleet } from './fleet.ts';
import { hashInts, intBetween, mulberry32, type Random } from './prng.ts';
import { formatBeijing, HOUR_MS } from '../ingest/contracts/beijing-time.ts';

export const SCENARIO_NAMES = ['story', 'normal', 'substation-trip', 'pump-trip', 'failing-pump', 'leak', 'pipe-burst', 'cold-snap', 'cold-room', 'sensor-dropout', 'bad-data'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export const SCENARIO_DESCRIPTIONS: Record<ScenarioName, string> = {
  story: 'the demo: a room goes cold 5 min after start, a substation trips at 20 min, a main bursts elsewhere at 90 min',
  normal: 'a healthy network: weather-compensated substations, rooms at 18–24 °C',
  'substation-trip': 'one substation trips 1 h after start; its secondary side and then its rooms cool for hours → 换热站故障 within minutes, its rooms linked under it',
  'pump-trip': "one substation's secondary pump trips 1 h after start (the primary stays open) → 换热站故障 (pump stopped) within minutes; its rooms cool under it",
  'failing-pump': "one substation's secondary pump fails over 40 min from 1 h after start: the secondary ΔT widens, the primary ΔT shrinks → 换热站故障 (pump failing)",
  leak: "a leak in one substation's secondary network from 1 h after start: its make-up water rises to ~3 % of the flow → 供热设施漏水 on the substation after 30 min",
  'pipe-burst': 'a primary main bursts 1 h after start, felt at two neighbouring substations within a minute: pressure collapses, their flow stalls and their water cools; repaired 3 h later → one 主管道事故, the second station under it, paged once',
  'cold-snap': 'a cold front from 1 h after start: a daily mean of −11 °C for two days, under the −7.7 °C design temperature → the rooms that go cold have their tickets exempt (室外日平均温度低于设计温度)',
  'cold-room': "a poorly balanced room's valve sticks low 30 min after start; it drifts to ~16.5 °C and stays",
  'sensor-dropout': 'a few sensors go silent 1 h after start for 4 h',
  'bad-data': 'a few sensors send garbage from 30 min after start: non-JSON, strings, 900, 1e999, sudden jumps',
};

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

export interface DeviceRef {
  kind: DeviceKind;
  index: number;
  id: string;
}

export interface ScenarioEvent {
  at: number;
  line: string;
}

export interface ScenarioPlan {
  name: ScenarioName;
  trips: { substation: number; at: number }[];
  /** A burst develops linearly over `rampSec`: a pressure wave, not a step; it is undone from `repairAt` the same way. */
  bursts: { substation: number; at: number; rampSec: number; repairAt?: number }[];
  /** The secondary pump alone stops. */
  pumpStops: { substation: number; at: number }[];
  /** The secondary pump fails over `rampMin` down to `health` of its flow. */
  failingPumps: { substation: number; at: number; rampMin: number; health: number }[];
  leaks: { substation: number; at: number; m3h: number }[];
  /** The outdoor daily mean brought down to `meanC` from `from` to `to` (the daily swing stays). */
  coldSnaps: { from: number; to: number; meanC: number }[];
  stuckValves: { room: number; at: number; setpoint: number }[];
  dropouts: { device: DeviceRef; from: number; to: number }[];
  garblers: { device: DeviceRef; from: number }[];
  events: ScenarioEvent[];
}

const TRIP_AFTER = HOUR_MS;
const BURST_AFTER = HOUR_MS;
const BURST_RAMP_SEC = 90;
const BURST_REPAIR_AFTER = 3 * HOUR_MS;
/** Zoucheng's cold snaps bring daily means of −10 … −12 °C, below the −7.7 °C design temperature. */
const COLD_SNAP_MEAN_C = -11;
const VALVE_AFTER = HOUR_MS / 2;
const STUCK_VALVE_SETPOINT = 16.5;
const DROPOUT_AFTER = HOUR_MS;
const DROPOUT_FOR = 4 * HOUR_MS;
const GARBAGE_AFTER = HOUR_MS / 2;
const AFFECTED_ROOMS = 3;
/** The story: one of each kind of trouble, close enough together to watch at 60×. */
const STORY = { coldRoomAfter: 5 * 60_000, tripAfter: 20 * 60_000, burstAfter: 90 * 60_000, valveSetpoint: 15 };

function pickDistinct(random: Random, count: number, of: number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, of)) picked.add(intBetween(random, 0, of - 1));
  return [...picked].sort((a, b) => a - b);
}

/** A few rooms and, where there are two or more substations, one substation too. */
function someSensors(fleet: Fleet, random: Random): DeviceRef[] {
  const rooms = pickDistinct(random, AFFECTED_ROOMS, fleet.rooms.length).map((i) => ({ kind: 'room' as const, index: i, id: fleet.rooms[i]!.device.id }));
  const ss = fleet.substations.length >= 2 ? [intBetween(random, 0, fleet.substations.length - 1)] : [];
  return [...rooms, ...ss.map((i) => ({ kind: 'substation' as const, index: i, id: fleet.substations[i]!.device.id }))];
}

function needSubstation(fleet: Fleet, name: ScenarioName): void {
  if (fleet.substations.length === 0) throw new RangeError(`scenario ${name} needs at least one substation`);
}

function describeSubstation(fleet: Fleet, i: number): string {
  const ss = fleet.substations[i]!;
  return `${ss.device.id} (${ss.device.name})`;
}

/** The worst-heated room on a poorly balanced riser, else the worst-heated room of all. */
function coldestCandidate(rooms: Fleet['rooms']): Fleet['rooms'][number] {
  const candidates = rooms.some((r) => r.poorlyBalanced) ? rooms.filter((r) => r.poorlyBalanced) : rooms;
  return candidates.reduce((a, b) => (b.params.heatRatio < a.params.heatRatio ? b : a));
}

export function planScenario(name: ScenarioName, fleet: Fleet, seed: number, start: number): ScenarioPlan {
  const random = mulberry32(hashInts(seed, 0x5ce7a));
  const plan: ScenarioPlan = { name, trips: [], bursts: [], pumpStops: [], failingPumps: [], leaks: [], coldSnaps: [], stuckValves: [], dropouts: [], garblers: [], events: [] };
  const ids = (refs: DeviceRef[]) => refs.map((r) => r.id).join(', ');
  switch (name) {
    case 'normal':
      break;
    case 'story': {
      needSubstation(fleet, name);
      const n = fleet.substations.length;
      const trip = intBetween(random, 0, n - 1);
      const burst = n > 1 ? (trip + 1 + intBetween(random, 0, n - 2)) % n : trip;
      const tripAt = start + STORY.tripAfter;
      const burstAt = start + STORY.burstAfter;
      // The cold room is a story of its own: not under the substation that trips.
      const elsewhere = fleet.rooms.filter((r) => r.substation !== trip);
      if (elsewhere.length > 0) {
        const room = coldestCandidate(elsewhere);
        const at = start + STORY.coldRoomAfter;
        plan.stuckValves.push({ room: room.index, at, setpoint: STORY.valveSetpoint });
        plan.events.push({ at, line: `room ${room.device.id} (${room.device.name}): radiator valve stuck nearly shut at ${formatBeijing(at)}; it drifts towards ${STORY.valveSetpoint} °C` });
      }
      plan.trips.push({ substation: trip, at: tripAt });
      plan.events.push({ at: tripAt, line: `substation ${describeSubstation(fleet, trip)} tripped at ${formatBeijing(tripAt)}; its ${fleet.rooms.filter((r) => r.substation === trip).length} rooms cool over the next hours` });
      plan.bursts.push({ substation: burst, at: burstAt, rampSec: BURST_RAMP_SEC });
      plan.events.push({ at: burstAt, line: `primary main burst at substation ${describeSubstation(fleet, burst)} at ${formatBeijing(burstAt)}: supply pressure collapses, make-up flow surges` });
      plan.events.sort((a, b) => a.at - b.at);
      break;
    }
    case 'substation-trip': {
      needSubstation(fleet, name);
      const ss = intBetween(random, 0, fleet.substations.length - 1);
      const at = start + TRIP_AFTER;
      const rooms = fleet.rooms.filter((r) => r.substation === ss).length;
      plan.trips.push({ substation: ss, at });
      plan.events.push({ at, line: `substation ${describeSubstation(fleet, ss)} tripped at ${formatBeijing(at)}; its ${rooms} rooms cool over the next hours` });
      break;
    }
    case 'pipe-burst': {
      needSubstation(fleet, name);
      const n = fleet.substations.length;
      const ss = intBetween(random, 0, n - 1);
      const at = start + BURST_AFTER;
      const repairAt = at + BURST_REPAIR_AFTER;
      plan.bursts.push({ substation: ss, at, rampSec: BURST_RAMP_SEC, repairAt });
      // The pressure wave reaches the neighbouring station on the same main 40 s later.
      if (n > 1) plan.bursts.push({ substation: (ss + 1) % n, at: at + 40_000, rampSec: BURST_RAMP_SEC, repairAt });
      const hit = plan.bursts.map((b) => describeSubstation(fleet, b.substation)).join(' and ');
      plan.events.push({ at, line: `primary main burst at ${formatBeijing(at)}, felt at ${hit}: supply pressure collapses, their flow stalls` });
      plan.events.push({ at: repairAt, line: `the main is repaired at ${formatBeijing(repairAt)}: pressure and flow come back` });
      break;
    }
    case 'pump-trip':
    case 'failing-pump':
    case 'leak': {
      needSubstation(fleet, name);
      const ss = intBetween(random, 0, fleet.substations.length - 1);
      const at = start + TRIP_AFTER;
      const which = describeSubstation(fleet, ss);
      if (name === 'pump-trip') {
        plan.pumpStops.push({ substation: ss, at });
        plan.events.push({ at, line: `the secondary pump of ${which} trips at ${formatBeijing(at)}; the primary stays open, its rooms cool` });
      } else if (name === 'failing-pump') {
        plan.failingPumps.push({ substation: ss, at, rampMin: 40, health: 0.45 });
        plan.events.push({ at, line: `the secondary pump of ${which} starts failing at ${formatBeijing(at)}: down to 45 % of its flow within 40 min` });
      } else {
        const m3h = Math.round(fleet.substations[ss]!.params.designFlow * 0.03 * 10) / 10;
        plan.leaks.push({ substation: ss, at, m3h });
        plan.events.push({ at, line: `a leak in the secondary network of ${which} from ${formatBeijing(at)}: ${m3h} m³/h of make-up water` });
      }
      break;
    }
    case 'cold-snap': {
      const from = start + HOUR_MS;
      const to = from + 2 * 24 * HOUR_MS;
      plan.coldSnaps.push({ from, to, meanC: COLD_SNAP_MEAN_C });
      plan.events.push({ at: from, line: `a cold front from ${formatBeijing(from)}: a daily mean of ${COLD_SNAP_MEAN_C} °C for two days, below the design temperature (−7.7 °C)` });
      break;
    }
    case 'cold-room': {
      if (fleet.rooms.length === 0) throw new RangeError('scenario cold-room needs at least one room');
      const room = coldestCandidate(fleet.rooms);
      const at = start + VALVE_AFTER;
      plan.stuckValves.push({ room: room.index, at, setpoint: STUCK_VALVE_SETPOINT });
      plan.events.push({ at, line: `room ${room.device.id} (${room.device.name}): radiator valve stuck low at ${formatBeijing(at)}; it drifts towards ${STUCK_VALVE_SETPOINT} °C` });
      break;
    }
    case 'sensor-dropout': {
      const from = start + DROPOUT_AFTER;
      const to = from + DROPOUT_FOR;
      const sensors = someSensors(fleet, random);
      for (const device of sensors) plan.dropouts.push({ device, from, to });
      if (sensors.length > 0) {
        plan.events.push({ at: from, line: `sensors ${ids(sensors)} stop publishing at ${formatBeijing(from)}` });
        plan.events.push({ at: to, line: `sensors ${ids(sensors)} publish again at ${formatBeijing(to)}` });
      }
      break;
    }
    case 'bad-data': {
      const from = start + GARBAGE_AFTER;
      const sensors = someSensors(fleet, random);
      for (const device of sensors) plan.garblers.push({ device, from });
      if (sensors.length > 0) plan.events.push({ at: from, line: `sensors ${ids(sensors)} start sending garbage at ${formatBeijing(from)}` });
      break;
    }
  }
  return plan;
}
