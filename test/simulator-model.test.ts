/**
 * The simulators' model: deterministic, physically sane, and speaking the telemetry contract.
 * Pure code only — no broker, no clock; the same world a `npm run sim` run publishes.
 */
import { describe, expect, it } from 'vitest';
import { newDeviceSchema } from '../ingest/contracts/devices.ts';
import { validateTelemetry, type RoomPayload } from '../ingest/contracts/payloads.ts';
import { DEVICE_ID_PATTERN, type DeviceKind } from '../ingest/contracts/topics.ts';
import { GARBAGE_KINDS, type Emission } from '../simulators/bad-data.ts';
import { buildFleet, type Fleet } from '../simulators/fleet.ts';
import { mulberry32, noise } from '../simulators/prng.ts';
import { roomEquilibrium } from '../simulators/room-model.ts';
import { planScenario, SCENARIO_NAMES, type ScenarioName } from '../simulators/scenarios.ts';
import { DAY_MS, HOUR_MS, localHourOfDay } from '../ingest/contracts/beijing-time.ts';
import { checkStart, defaultStart, simNow } from '../simulators/sim-clock.ts';
import { secondaryReturnCurve, secondarySupplyCurve, substationTarget } from '../simulators/substation-model.ts';
import { encodePayloads } from '../simulators/telemetry-message.ts';
import { outdoorTemp } from '../simulators/weather.ts';
import { createWorld } from '../simulators/world.ts';

const START = Date.parse('2026-01-10T00:00:00+08:00');
const MIN = 60_000;

interface Out {
  kind: DeviceKind;
  index: number;
  e: Emission;
}

function run(o: { scenario?: ScenarioName; rooms?: number; substations?: number; seed?: number; hours: number; chunkMs?: number }) {
  const seed = o.seed ?? 7;
  const fleet = buildFleet({ rooms: o.rooms ?? 40, substations: o.substations ?? 3, seed });
  const plan = planScenario(o.scenario ?? 'normal', fleet, seed, START);
  const world = createWorld({ fleet, plan, seed, start: START });
  const out: Out[] = [];
  const end = START + o.hours * HOUR_MS;
  const chunk = o.chunkMs ?? end - START;
  for (let t = START; t < end; ) {
    t = Math.min(end, t + chunk);
    world.advanceTo(t, (kind, index, e) => out.push({ kind, index, e }));
  }
  return { fleet, plan, world, out };
}

type Row = Record<string, number> & { ts: number };

/** A device's well-formed readings, as plain field → number rows. */
const payloadsOf = (out: Out[], kind: DeviceKind, index: number): Row[] =>
  out.flatMap((o) => (o.kind === kind && o.index === index && 'payload' in o.e ? [{ ...(o.e.payload as unknown as Record<string, number>), ts: o.e.ts }] : []));

describe('determinism', () => {
  it('gives identical readings for the same seed, start and scenario', () => {
    expect(JSON.stringify(run({ hours: 6 }).out)).toBe(JSON.stringify(run({ hours: 6 }).out));
  });

  it('does not depend on how the world is advanced (real-time speed)', () => {
    const oneGo = run({ hours: 6, scenario: 'bad-data' }).out;
    const smallSteps = run({ hours: 6, scenario: 'bad-data', chunkMs: 7_777 }).out;
    expect(smallSteps.length).toBeGreaterThan(1000);
    expect(JSON.stringify(smallSteps)).toBe(JSON.stringify(oneGo));
  });

  it('gives different readings for a different seed', () => {
    const a = run({ hours: 2, seed: 7 }).out.map((o) => o.e);
    const b = run({ hours: 2, seed: 8 }).out.map((o) => o.e);
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
  });

  it('keys noise on its inputs alone', () => {
    expect(noise(1, 2, 3)).toBe(noise(1, 2, 3));
    expect(noise(1, 2, 3)).not.toBe(noise(1, 2, 4));
    const a = mulberry32(5);
    const b = mulberry32(5);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe('weather in Zoucheng', () => {
  it('stays within −8 … +10 °C over a season, coldest near 06:00 and warmest near 14:00 local', () => {
    const byHour = new Array<number>(24).fill(0);
    let min = Infinity;
    let max = -Infinity;
    for (let t = START; t < START + 120 * DAY_MS; t += 10 * MIN) {
      const v = outdoorTemp(3, t);
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (t % HOUR_MS === 0) byHour[Math.floor(localHourOfDay(t))]! += v;
    }
    expect(min).toBeGreaterThanOrEqual(-8);
    expect(max).toBeLessThanOrEqual(10);
    expect(max - min).toBeGreaterThan(12);
    expect(byHour.indexOf(Math.min(...byHour))).toBeGreaterThanOrEqual(5);
    expect(byHour.indexOf(Math.min(...byHour))).toBeLessThanOrEqual(7);
    expect(byHour.indexOf(Math.max(...byHour))).toBeGreaterThanOrEqual(13);
    expect(byHour.indexOf(Math.max(...byHour))).toBeLessThanOrEqual(15);
  });
});

describe('physics', () => {
  it('keeps every room of a normal network within 18–24 °C over a week', () => {
    const { out, fleet } = run({ hours: 7 * 24, rooms: 300, substations: 5 });
    const temps = out.flatMap((o) => (o.kind === 'room' && 'payload' in o.e ? [(o.e.payload as RoomPayload).temp] : []));
    expect(temps.length).toBeGreaterThan(300 * 7 * 90);
    expect(temps.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(18);
    expect(temps.reduce((a, b) => Math.max(a, b))).toBeLessThanOrEqual(24);
    expect(fleet.rooms.some((r) => r.poorlyBalanced)).toBe(true);
  });

  it('settles well-balanced rooms within 18–24 °C at constant −8 and +10 °C outdoors', () => {
    const fleet = buildFleet({ rooms: 500, substations: 5, seed: 11 });
    for (const outdoor of [-8, 10]) {
      for (const room of fleet.rooms.filter((r) => !r.poorlyBalanced)) {
        const p = fleet.substations[room.substation]!.params;
        const feed = substationTarget(p, { outdoorTemp: outdoor, tripped: false, burst: 0 });
        const temp = roomEquilibrium(room.params, { outdoorTemp: outdoor, waterTemp: (feed.secSupplyTemp + feed.secReturnTemp) / 2, heatFactor: 1, valveSetpoint: null });
        expect(temp).toBeGreaterThanOrEqual(18);
        expect(temp).toBeLessThanOrEqual(24);
      }
    }
  });

  it('raises the supply temperatures as the outdoor air gets colder (weather compensation)', () => {
    const p = buildFleet({ rooms: 0, substations: 1, seed: 1 }).substations[0]!.params;
    const at = (outdoor: number) => substationTarget(p, { outdoorTemp: outdoor, tripped: false, burst: 0 });
    expect(at(-5).supplyTemp).toBeGreaterThan(at(5).supplyTemp + 10);
    expect(at(-5).secSupplyTemp).toBeGreaterThan(at(5).secSupplyTemp);
    expect(at(-8).supplyTemp).toBeLessThanOrEqual(110);
    expect(at(10).supplyTemp).toBeGreaterThanOrEqual(75);
    expect(secondarySupplyCurve(-8)).toBe(60);
    expect(secondaryReturnCurve(10)).toBe(35);
  });

  it('after a substation trip, cools its secondary side in hours and its rooms over hours', () => {
    const { out, plan, fleet } = run({ scenario: 'substation-trip', hours: 10, rooms: 60 });
    const { substation, at } = plan.trips[0]!;
    const ss = payloadsOf(out, 'substation', substation);
    const sec = (t: number) => ss.find((r) => r.ts >= t)!.secSupplyTemp!;
    expect(sec(at) - sec(at + 3 * HOUR_MS)).toBeGreaterThan(20);
    const fed = fleet.rooms.filter((r) => r.substation === substation);
    expect(fed.length).toBeGreaterThan(5);
    const meanAt = (index: number[], t: number) =>
      index.reduce((sum, i) => sum + payloadsOf(out, 'room', i).find((r) => r.ts >= t)!.temp!, 0) / index.length;
    const rooms = fed.map((r) => r.index);
    // Heavy buildings: no step change in the first hour, a clear fall after eight.
    expect(meanAt(rooms, at) - meanAt(rooms, at + HOUR_MS)).toBeLessThan(1.5);
    expect(meanAt(rooms, at) - meanAt(rooms, at + 8 * HOUR_MS)).toBeGreaterThan(3);
    const others = fleet.rooms.filter((r) => r.substation !== substation).map((r) => r.index);
    expect(Math.abs(meanAt(others, at) - meanAt(others, at + 8 * HOUR_MS))).toBeLessThan(1.5);
  });

  it('after a pipe burst, drops primary supply pressure ≥ 0.15 MPa within 5 min at the stations it feeds, stalls their flow, and recovers once repaired', () => {
    const { out, plan } = run({ scenario: 'pipe-burst', hours: 5 });
    expect(plan.bursts.map((b) => b.substation)).toHaveLength(2);
    const { substation, at } = plan.bursts[0]!;
    const ss = payloadsOf(out, 'substation', substation);
    const before = ss.filter((r) => r.ts < at).at(-1)!;
    const within5 = ss.filter((r) => r.ts >= at && r.ts <= at + 5 * MIN);
    const within2 = ss.filter((r) => r.ts >= at && r.ts <= at + 2 * MIN);
    expect(before.supplyPressure! - Math.min(...within5.map((r) => r.supplyPressure!))).toBeGreaterThanOrEqual(0.15);
    expect(before.supplyPressure! - Math.min(...within2.map((r) => r.supplyPressure!))).toBeGreaterThanOrEqual(0.3);
    // The plant's make-up surges, not the station's: the station's flow stalls.
    expect(Math.min(...within5.map((r) => r.flow!))).toBeLessThan(before.flow! * 0.5);
    const repaired = ss.filter((r) => r.ts >= plan.bursts[0]!.repairAt! + 15 * MIN).at(0)!;
    expect(Math.abs(repaired.supplyPressure! - before.supplyPressure!)).toBeLessThan(0.03);
    expect(repaired.flow!).toBeGreaterThan(before.flow! * 0.8);
  });

  it('in pump-trip, failing-pump and leak, shows each fault where the rules look for it', () => {
    const trip = run({ scenario: 'pump-trip', hours: 2 });
    const tripped = payloadsOf(trip.out, 'substation', trip.plan.pumpStops[0]!.substation);
    const deltaP = (r: Row) => r.secSupplyPressure! - r.secReturnPressure!;
    const beforeTrip = tripped.filter((r) => r.ts < trip.plan.pumpStops[0]!.at).at(-1)!;
    expect(deltaP(tripped.filter((r) => r.ts > trip.plan.pumpStops[0]!.at + 5 * MIN)[0]!)).toBeLessThan(deltaP(beforeTrip) * 0.4);

    const failing = run({ scenario: 'failing-pump', hours: 3 });
    const f = failing.plan.failingPumps[0]!;
    const rows = payloadsOf(failing.out, 'substation', f.substation);
    const [b, a] = [rows.filter((r) => r.ts < f.at).at(-1)!, rows.filter((r) => r.ts > f.at + 60 * MIN)[0]!];
    expect(a.secSupplyTemp! - a.secReturnTemp! - (b.secSupplyTemp! - b.secReturnTemp!)).toBeGreaterThan(5);
    expect(b.supplyTemp! - b.returnTemp! - (a.supplyTemp! - a.returnTemp!)).toBeGreaterThan(5);

    const leak = run({ scenario: 'leak', hours: 2 });
    const l = leak.plan.leaks[0]!;
    const leaking = payloadsOf(leak.out, 'substation', l.substation);
    const share = (r: Row) => (r.makeupFlow! / r.flow!) * 100;
    expect(share(leaking.filter((r) => r.ts < l.at).at(-1)!)).toBeLessThan(1);
    expect(share(leaking.filter((r) => r.ts > l.at + 10 * MIN)[0]!)).toBeGreaterThan(2);
  });

  it('in cold-snap, brings the daily mean outdoors below the design temperature for two days, the daily swing kept', () => {
    const { world, plan } = run({ scenario: 'cold-snap', hours: 1 });
    const snap = plan.coldSnaps[0]!;
    const day = Array.from({ length: 24 * 6 }, (_, i) => world.outdoor(snap.from + 6 * HOUR_MS + i * 10 * MIN));
    const mean = day.reduce((x, y) => x + y, 0) / day.length;
    expect(mean).toBeLessThan(-7.7);
    expect(Math.max(...day) - Math.min(...day)).toBeGreaterThan(2);
    expect(world.outdoor(snap.to + 6 * HOUR_MS)).toBeGreaterThan(-8.5);
  });

  it('in cold-room, holds one room below 18 °C for hours, near 16.5 °C', () => {
    const { out, plan } = run({ scenario: 'cold-room', hours: 48 });
    const { room } = plan.stuckValves[0]!;
    const readings = payloadsOf(out, 'room', room);
    const firstBelow = readings.find((r) => r.temp! < 18)!;
    const after = readings.filter((r) => r.ts >= firstBelow.ts);
    // Below 18 from its first cold reading to the end of the run: far more than 30 min.
    expect(after.every((r) => r.temp! < 18)).toBe(true);
    expect(after.at(-1)!.ts - firstBelow.ts).toBeGreaterThan(30 * MIN);
    const settled = after.filter((r) => r.ts > firstBelow.ts + 12 * HOUR_MS).map((r) => r.temp!);
    expect(Math.min(...settled)).toBeGreaterThan(15.5);
    expect(Math.max(...settled)).toBeLessThan(17.5);
  });

  it('in sensor-dropout, silences a few sensors for hours and then resumes them', () => {
    const { out, plan } = run({ scenario: 'sensor-dropout', hours: 8 });
    expect(plan.dropouts.length).toBeGreaterThanOrEqual(3);
    for (const { device, from, to } of plan.dropouts) {
      const ts = out.filter((o) => o.kind === device.kind && o.index === device.index).map((o) => o.e.ts);
      expect(ts.some((t) => t >= from && t < to)).toBe(false);
      expect(ts.some((t) => t < from)).toBe(true);
      expect(ts.some((t) => t >= to)).toBe(true);
      expect(to - from).toBeGreaterThanOrEqual(3 * HOUR_MS);
    }
  });
});

function validate(kind: DeviceKind, body: string, ts: number) {
  return validateTelemetry(kind, 'X-1', Buffer.from(body), ts);
}

describe('telemetry contract', () => {
  it('passes validateTelemetry with every normal reading, alone and in batches', () => {
    const { out } = run({ hours: 24, rooms: 30, substations: 3 });
    for (const { kind, e } of out) {
      expect('payload' in e).toBe(true);
      if (!('payload' in e)) continue;
      const result = validate(kind, encodePayloads([e.payload]), e.ts);
      expect(result.rejections).toEqual([]);
      expect(result.readings).toHaveLength(1);
    }
    const backlog = out.flatMap((o) => (o.kind === 'room' && o.index === 0 && 'payload' in o.e ? [o.e.payload] : []));
    const batch = validate('room', encodePayloads(backlog), START + 24 * HOUR_MS);
    expect(batch.rejections).toEqual([]);
    expect(batch.readings).toHaveLength(backlog.length);
  });

  it('in bad-data, sends garbage that validateTelemetry refuses, and jumps it accepts', () => {
    const { out, plan } = run({ scenario: 'bad-data', hours: 12 });
    expect(plan.garblers.length).toBeGreaterThanOrEqual(3);
    const garbage = out.filter((o) => 'raw' in o.e);
    expect(new Set(out.map((o) => o.e.garbage).filter(Boolean))).toEqual(new Set(GARBAGE_KINDS));
    for (const { kind, e } of garbage) {
      const result = validate(kind, (e as { raw: string }).raw, e.ts);
      expect(result.readings).toEqual([]);
      expect(result.rejections.length).toBe(1);
    }
    for (const { kind, index, e } of out.filter((o) => o.e.garbage === 'jump' && o.kind === 'room')) {
      const reading = (e as { payload: { temp: number } }).payload;
      expect(validate(kind, encodePayloads([reading]), e.ts).readings).toHaveLength(1);
      const prev = payloadsOf(out, 'room', index).filter((r) => r.ts < e.ts && !out.some((o) => o.e.ts === r.ts && o.index === index && o.e.garbage));
      if (prev.length > 0) expect(Math.abs(reading.temp - prev.at(-1)!.temp!)).toBeGreaterThan(10);
    }
    // Healthy devices stay clean.
    const broken = new Set(plan.garblers.map((g) => `${g.device.kind}:${g.device.index}`));
    expect(out.filter((o) => o.e.garbage && !broken.has(`${o.kind}:${o.index}`))).toEqual([]);
  });
});

describe('sim clock', () => {
  const clock = { start: 1_000_000, realStart: 5_000_000, speed: 100 };

  it('runs `speed` times faster than the wall clock but never ahead of it', () => {
    expect(simNow(clock, 5_000_000)).toBe(1_000_000);
    expect(simNow(clock, 5_001_000)).toBe(1_100_000);
    expect(simNow(clock, 5_050_000)).toBe(5_050_000);
    for (let real = 5_000_000; real < 6_000_000; real += 777) expect(simNow(clock, real)).toBeLessThanOrEqual(real);
  });

  it('starts a day back when faster than real time, and refuses futures and week-old starts', () => {
    expect(defaultStart(10 * DAY_MS, 60)).toBe(9 * DAY_MS);
    expect(defaultStart(10 * DAY_MS, 1)).toBe(10 * DAY_MS);
    expect(checkStart(10 * DAY_MS - HOUR_MS, 10 * DAY_MS)).toBeNull();
    expect(checkStart(10 * DAY_MS + 1, 10 * DAY_MS)).toMatch(/future/);
    expect(checkStart(2 * DAY_MS, 10 * DAY_MS)).toMatch(/7 days/);
  });
});

describe('fleet', () => {
  const fleet: Fleet = buildFleet({ rooms: 250, substations: 12, seed: 5 });

  it('names devices by their place in the network and passes the device contract', () => {
    expect(fleet.substations[0]!.device).toMatchObject({ id: 'SS-001', name: '一号换热站', intervalSec: 30 });
    expect(fleet.substations[11]!.device.name).toBe('十二号换热站');
    expect(fleet.rooms[0]!.device).toMatchObject({ id: 'R-001-0001', substationId: 'SS-001', intervalSec: 900 });
    for (const d of [...fleet.substations, ...fleet.rooms].map((x) => x.device)) {
      expect(d.id).toMatch(DEVICE_ID_PATTERN);
      expect(newDeviceSchema.safeParse(d).success).toBe(true);
    }
    expect(fleet.rooms[0]!.device.name).toMatch(/^\p{Script=Han}+小区\d+号楼\d单元\d{3} (客厅|主卧)$/u);
    expect(new Set(fleet.rooms.map((r) => r.device.roomType))).toEqual(new Set(['living', 'bedroom']));
    expect(new Set(fleet.rooms.map((r) => r.device.id)).size).toBe(250);
  });

  it('places substations around Zoucheng and rooms within 1 km of their substation', () => {
    for (const ss of fleet.substations) {
      expect(Math.abs(ss.device.lat - 35.405)).toBeLessThan(0.1);
      expect(Math.abs(ss.device.lng - 116.973)).toBeLessThan(0.12);
    }
    for (const room of fleet.rooms) {
      const ss = fleet.substations[room.substation]!.device;
      const km = Math.hypot((room.device.lat - ss.lat) * 111.2, (room.device.lng - ss.lng) * 111.2 * Math.cos((35.4 * Math.PI) / 180));
      expect(km).toBeLessThanOrEqual(1);
    }
  });

  it('plans every scenario, and refuses one that needs a substation it does not have', () => {
    for (const name of SCENARIO_NAMES) expect(planScenario(name, fleet, 5, START).name).toBe(name);
    expect(planScenario('substation-trip', fleet, 5, START).events[0]!.line).toMatch(/^substation SS-\d{3} .*tripped at 2026-01-10T01:00:00\+08:00/);
    expect(() => planScenario('pipe-burst', buildFleet({ rooms: 0, substations: 0, seed: 1 }), 1, START)).toThrow(/substation/);
  });
});
