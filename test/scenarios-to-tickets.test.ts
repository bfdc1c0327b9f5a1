/**
 * Every simulator scenario, through the real pipeline (simulated sensors → embedded broker →
 * ingest → rules → tickets → HTTP API), opens the tickets a dispatcher would expect. Ten hours
 * are replayed in seconds: rules run on event time, so the tickets are those of a real day.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { buildFleet } from '../simulators/fleet.ts';
import { runFleet, type RunningFleet } from '../simulators/fleet-runner.ts';
import { planScenario, type ScenarioName } from '../simulators/scenarios.ts';
import { ADMIN_PASSWORD, eventually, heatingAllYear, startWorld, type TestWorld } from './support/heatwatch.ts';

const ROOMS = 40;
const SUBSTATIONS = 4;
const SEED = 7;
const HOURS = 10;

let world: TestWorld | undefined;
let fleet: RunningFleet | undefined;
afterEach(async () => {
  await fleet?.stop();
  await world?.close();
  fleet = undefined;
  world = undefined;
});

async function replay(scenario: ScenarioName, speed = 36_000, hours = HOURS) {
  // Whole minutes, so the plan computed here matches the runner's.
  const start = Math.floor((Date.now() - hours * 3_600_000) / 60_000) * 60_000;
  world = await startWorld({ ...heatingAllYear(), HEATWATCH_DEVICE_MSG_RATE: '1000', HEATWATCH_DEVICE_MSG_BURST: '5000' });
  const plan = planScenario(scenario, buildFleet({ rooms: ROOMS, substations: SUBSTATIONS, seed: SEED }), SEED, start);
  fleet = await runFleet({
    apiUrl: `http://127.0.0.1:${world.app.httpPort}`,
    mqttUrl: `mqtt://127.0.0.1:${world.app.mqttPort}`,
    username: 'admin',
    password: ADMIN_PASSWORD,
    rooms: ROOMS,
    substations: SUBSTATIONS,
    speed,
    scenario,
    seed: SEED,
    start,
    log: () => undefined,
  });
  return plan;
}

const tickets = async () => (await world!.api<{ tickets: Ticket[] }>('GET', '/api/tickets?limit=5000')).body.tickets;
/** The replay has reached the present: the substations' newest readings are minutes old. */
const caughtUp = () =>
  eventually(async () => {
    const last = (await world!.api<{ lastReading: { ts: string } | null }>('GET', '/api/devices/SS-001')).body.lastReading;
    return last !== null && Date.now() - Date.parse(last.ts) < 10 * 60_000;
  }, 60_000);

describe('simulated scenarios open the expected tickets', () => {
  it('normal: no customer ticket', async () => {
    await replay('normal');
    await caughtUp();
    expect((await tickets()).filter((t) => t.type !== 'sensor_offline')).toEqual([]);
  }, 90_000);

  it('substation-trip: a substation fault minutes after the trip, its cold rooms linked under it hours later', async () => {
    // Fourteen hours: on a mild day, begun in the warmth of the afternoon, ten hours of cooling
    // after the trip left too few rooms cold at some times of day (seen at 19:37 Beijing time).
    const plan = await replay('substation-trip', 36_000, 14);
    const station = `SS-${String(plan.trips[0]!.substation + 1).padStart(3, '0')}`;
    const parent = await eventually(async () => (await tickets()).find((t) => t.type === 'substation_fault'), 60_000);
    expect(parent).toMatchObject({ substationId: station, deviceId: station, source: 'rule', rule: 'substation_fault', milestone: 'on_site' });
    // Seen on the substation's own readings (its pump's ΔP, its flow), minutes after the trip in event time.
    expect(Date.parse(parent.eventAt!) - plan.trips[0]!.at).toBeLessThan(15 * 60_000);
    expect(parent.facts!.map((f) => f.fact)).toContain('pump_stopped');
    await caughtUp();
    // The rooms upload their readings hourly: their tickets come once those of the cold hours are in.
    const children = await eventually(async () => {
      const under = (await tickets()).filter((t) => t.parentId === parent.id);
      return under.length >= 3 && under;
    }, 60_000);
    // The fault is the incident: the rooms going cold together later join it, no second one opens.
    expect((await tickets()).filter((t) => t.rule === 'correlation' || t.rule === 'substation_fault')).toHaveLength(1);
    expect(children.every((t) => t.substationId === station && t.type === 'room_temp_low')).toBe(true);

    // Dispatch handles the substation as one incident: a room already acknowledged on its own
    // stays as it was for that step; every other step reaches each open room ticket too.
    const step = (id: string, path: string, body: object = {}) => world!.api<Ticket>('POST', `/api/tickets/${id}/${path}`, body);
    const alone = children[0]!;
    expect((await step(alone.id, 'acknowledge', { note: '单独接单' })).status).toBe(200);
    expect((await step(parent.id, 'acknowledge')).body.status).toBe('acknowledged');
    expect((await step(parent.id, 'on-site')).body.status).toBe('on_site');
    expect((await step(parent.id, 'resolve', { cause: '换热站循环泵跳闸，已复位' })).body.status).toBe('resolved');
    const after = (await tickets()).filter((t) => t.parentId === parent.id);
    expect(after.map((t) => [t.status, t.cause])).toEqual(after.map(() => ['resolved', '换热站循环泵跳闸，已复位']));
    const timeline = async (id: string) => (await world!.api<{ timeline: { action: string; actor: string; note: string | null; data: unknown }[] }>('GET', `/api/tickets/${id}`)).body.timeline;
    const steps = (await timeline(alone.id)).filter((e) => ['acknowledge', 'on_site', 'resolve'].includes(e.action));
    expect(steps.map((e) => [e.action, e.data])).toEqual([
      ['acknowledge', null],
      ['on_site', { incident: parent.id }],
      ['resolve', { incident: parent.id }],
    ]);
    const other = (await timeline(children[1]!.id)).filter((e) => e.action === 'acknowledge');
    expect(other).toMatchObject([{ actor: 'admin', data: { incident: parent.id } }]);
    // The callback stays per room: each customer is called; the incident itself closes without one.
    expect(after.every((t) => t.callbackDueAt !== null)).toBe(true);
    expect((await step(parent.id, 'callback', { satisfaction: 'satisfied', calledNumber: '13800000000' })).status).toBe(409);
    expect((await step(parent.id, 'close')).body.status).toBe('closed');
    expect((await tickets()).filter((t) => t.parentId === parent.id).every((t) => t.status === 'resolved')).toBe(true);
  }, 90_000);

  it('pipe-burst: one main-pipe accident for the burst felt at two substations, the second under the first, recovered when the main is repaired', async () => {
    const plan = await replay('pipe-burst');
    const [first, second] = plan.bursts.map((b) => `SS-${String(b.substation + 1).padStart(3, '0')}`);
    const accidents = await eventually(async () => {
      const found = (await tickets()).filter((t) => t.type === 'pipeline_accident');
      return found.length === 2 && found.sort((a, b) => a.id.localeCompare(b.id));
    }, 60_000);
    expect(accidents[0]).toMatchObject({ deviceId: first, rule: 'substation_collapse', milestone: 'on_site', parentId: null });
    expect(Date.parse(accidents[0]!.dueAt!) - Date.parse(accidents[0]!.openedAt)).toBe(30 * 60_000);
    expect(accidents[1]).toMatchObject({ deviceId: second, parentId: accidents[0]!.id });
    await caughtUp();
    const all = await tickets();
    expect(all.filter((t) => t.type === 'pipeline_accident')).toHaveLength(2);
    // What fell at the stations with the main is the accident's: no substation fault besides.
    expect(all.filter((t) => t.type === 'substation_fault')).toEqual([]);
    // Repaired three hours later: both stations' supply back, marked recovered.
    await eventually(async () => (await tickets()).filter((t) => t.type === 'pipeline_accident' && t.recoveredAt !== null).length === 2, 60_000);
  }, 90_000);

  it.each<[ScenarioName, string, string]>([
    ['pump-trip', 'substation_fault', 'pump_stopped'],
    ['failing-pump', 'substation_fault', 'pump_failing'],
    ['leak', 'leak', 'makeup_high'],
  ])('%s: %s on the substation (%s), within the hour', async (scenario, type, fact) => {
    const plan = await replay(scenario);
    const index = plan.pumpStops[0]?.substation ?? plan.failingPumps[0]?.substation ?? plan.leaks[0]!.substation;
    const at = plan.pumpStops[0]?.at ?? plan.failingPumps[0]?.at ?? plan.leaks[0]!.at;
    const station = `SS-${String(index + 1).padStart(3, '0')}`;
    const t = await eventually(async () => (await tickets()).find((x) => x.deviceId === station && x.type === type), 60_000);
    expect(t.facts!.map((f) => f.fact)).toContain(fact);
    expect(Date.parse(t.eventAt!) - at).toBeLessThan(60 * 60_000);
    await caughtUp();
    // Nothing else at the substation level: one ticket for one fault.
    expect((await tickets()).filter((x) => x.deviceId !== null && x.deviceId.startsWith('SS-') && x.type !== 'sensor_offline').map((x) => x.type)).toEqual([type]);
  }, 90_000);

  it('cold-room: room_temp_low for that room only, due in 8 h', async () => {
    const plan = await replay('cold-room');
    const room = await eventually(async () => (await tickets()).find((t) => t.type === 'room_temp_low'), 60_000);
    expect(room.deviceId).toBe(buildFleet({ rooms: ROOMS, substations: SUBSTATIONS, seed: SEED }).rooms[plan.stuckValves[0]!.room]!.device.id);
    expect(Date.parse(room.dueAt!) - Date.parse(room.openedAt)).toBe(8 * 3_600_000);
    await caughtUp();
    expect((await tickets()).filter((t) => t.type !== 'sensor_offline').map((t) => t.deviceId)).toEqual([room.deviceId]);
  }, 90_000);

  it('sensor-dropout: sensor_offline for each silent sensor, marked recovered when it reports again', async () => {
    // 450×: in a fast replay a simulated room uploads its samples every 5 s of real time; at
    // 450× that is under 40 sim minutes, so only the real silence (4 h) exceeds three 15-min
    // reporting intervals. (At 1×, rooms report every 15 min.)
    const plan = await replay('sensor-dropout', 450, 6);
    const silent = plan.dropouts.map((d) => d.device.id).sort();
    await caughtUp();
    const offline = await eventually(async () => {
      const list = (await tickets()).filter((t) => t.type === 'sensor_offline');
      return list.length >= silent.length && list.every((t) => t.recoveredAt) ? list : undefined;
    }, 60_000);
    expect(offline.map((t) => t.deviceId).sort()).toEqual(silent);
    expect(offline.every((t) => t.dueAt === null && t.deadlineState === 'none')).toBe(true);
  }, 90_000);

  it('bad-data: a data-quality flag on the garbling devices and no customer ticket', async () => {
    // An hour a second: slow enough for the broken sensors' garbage to get its share of messages.
    const plan = await replay('bad-data', 3600);
    await caughtUp();
    const garblers = plan.garblers.map((g) => g.device.id);
    const views = await Promise.all(garblers.map(async (id) => (await world!.api<{ dataQuality: unknown; rejections: Record<string, number> }>('GET', `/api/devices/${id}`)).body));
    // Garbage is refused and counted; plausible-looking jumps are flagged, never ticketed.
    expect(views.some((v) => Object.values(v.rejections).reduce((a, b) => a + b, 0) > 0)).toBe(true);
    expect(views.some((v) => v.dataQuality !== null)).toBe(true)
    expect((await tickets()).filter((t) => t.type !== 'sensor_offline')).toEqual([]);
  }, 90_000);
});
