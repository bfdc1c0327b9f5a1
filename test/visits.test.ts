/**
 * Visits with on-site measurement (issue 16, seed 六) against a real HeatWatch: each refusal of
 * an incomplete form; a complete visit with a signature; a refusal with a neighbour's
 * measurement; the calibration flag from a 2 °C difference with the sensor's reading then
 * (surviving a restart); a heating-quality complaint's on-site step from its visit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf, localMidnight } from '../ingest/contracts/beijing-time.ts';
import type { DeviceView, ProvisionedDevice } from '../ingest/contracts/devices.ts';
import type { Ticket, TimelineEntry } from '../ingest/contracts/tickets.ts';
import type { Visit } from '../ingest/contracts/visits.ts';
import { startWorld, type TestWorld } from './support/heatwatch.ts';

const HOUR = 3_600_000;
/** A real 1×1 PNG, as a signature pad sends it. */
const SIGNATURE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
type Refusal = { error: { code: string; message: string } };

describe('visits with on-site measurement (走访测温)', () => {
  let world: TestWorld;
  let bedroom: ProvisionedDevice;
  const measuredAt = Date.now() - 10 * 60_000;
  /** Tomorrow 10:00 Beijing time, and 22:00: a day visit and a night one, whatever today is. */
  const tomorrow = localMidnight(localDateOf(Date.now())) + 24 * HOUR;
  const at = (ms: number) => new Date(ms).toISOString();
  const plan = (body: object) => world.api<Visit & Refusal>('POST', '/api/visits', { householdId: 'H-1', scheduledAt: at(tomorrow + 10 * HOUR), staff: ['张工', '李工'], ...body });
  const complete = (id: string, body: object) => world.api<Visit & Refusal>('POST', `/api/visits/${id}/complete`, { at: at(measuredAt), ...body });

  beforeAll(async () => {
    world = await startWorld();
    await world.provision({ id: 'S-1', kind: 'substation', name: '一号站' });
    bedroom = await world.provision({ id: 'R-1', substationId: 'S-1', roomType: 'bedroom', name: '幸福小区 1-1-101 卧室' });
    const living = await world.provision({ id: 'R-2', substationId: 'S-1', roomType: 'living', name: '幸福小区 1-1-101 客厅' });
    await world.provision({ id: 'R-3', substationId: 'S-1', roomType: 'living', name: '幸福小区 1-1-102 客厅' });
    await world.api('POST', '/api/households', { id: 'H-1', name: '王建国', phone: '13900000001', address: '幸福小区 1-1-101', substationId: 'S-1', deviceIds: ['R-1', 'R-2'] });
    await world.api('POST', '/api/households', { id: 'H-2', name: '李秀英', phone: '13900000002', address: '幸福小区 1-1-102', substationId: 'S-1', deviceIds: ['R-3'] });
    // The sensors' readings around the visit: the bedroom's reads 19.5 °C, the living room's 18.0 °C.
    for (const [device, temp] of [[bedroom, 19.5], [living, 18.0]] as const) {
      const client = await world.connect(device);
      const readings = [-20, -5, 10].map((min) => ({ ts: measuredAt + min * 60_000, temp }));
      await client.publishAsync(`heat/room/${device.id}/telemetry`, JSON.stringify(readings), { qos: 1 });
      await client.endAsync();
    }
  });
  afterAll(() => world?.close());

  it('refuses a plan with fewer than two staff, or at night unless the customer asked', async () => {
    const alone = await plan({ staff: ['张工', ' 张工 '] });
    expect(alone).toMatchObject({ status: 400, body: { error: { code: 'HW_BAD_REQUEST' } } });
    expect(alone.body.error.message).toContain('at least two people');
    const night = await plan({ scheduledAt: at(tomorrow + 22 * HOUR) });
    expect(night.status).toBe(400);
    expect(night.body.error.message).toContain('20:00 and 07:00');
    expect((await plan({ scheduledAt: at(tomorrow + 22 * HOUR), customerAskedForNight: true })).status).toBe(201);
    expect((await plan({ householdId: 'H-404' })).status).toBe(404);
  });

  it('refuses a form without a measurement, or with neither a signature nor a neighbour, or a signature that is not a PNG', async () => {
    const v = (await plan({})).body;
    expect((await complete(v.id, { measurements: [], signature: SIGNATURE })).body.error.message).toContain('measure at least one room');
    expect((await complete(v.id, { measurements: [{ room: '卧室', temp: 18.2 }] })).body.error.message).toContain("the customer's signature, or");
    expect((await complete(v.id, { measurements: [{ room: '卧室', temp: 18.2 }], signature: 'data:image/png;base64,SGVsbG8gd29ybGQhIQ==' })).body.error.message).toContain('not a PNG');
    expect((await complete(v.id, { measurements: [{ room: '卧室', temp: 18.2 }], refused: { reason: '不愿签字', neighbourHouseholdId: 'H-2', neighbourMeasurements: [] } })).body.error.message).toContain("neighbour's");
    // Another home's sensor is not this home's room.
    expect((await complete(v.id, { measurements: [{ room: '客厅', temp: 18.2, deviceId: 'R-3' }], signature: SIGNATURE })).status).toBe(400);
    // A body far beyond any signature; a visit that does not exist.
    const huge = await complete(v.id, { measurements: [{ room: '卧室', temp: 18.2 }], signature: `data:image/png;base64,${'A'.repeat(600_000)}` });
    expect(huge.status).toBe(413);
    expect((await world.api('GET', '/api/visits/V-999999')).status).toBe(404);
    expect((await world.api<Visit>('GET', `/api/visits/${v.id}`)).body.status).toBe('planned');
  });

  it('records a signed visit, each room beside its sensor: 2 °C apart flags the sensor for calibration, 0.5 °C does not', async () => {
    const v = (await plan({})).body;
    const done = await complete(v.id, { measurements: [{ room: '卧室', temp: 17.5, deviceId: 'R-1' }, { room: '客厅', temp: 18.5, deviceId: 'R-2' }], signature: SIGNATURE });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', signed: true, refused: null, staff: ['张工', '李工'] });
    expect(done.body.measurements).toEqual([
      { room: '卧室', temp: 17.5, deviceId: 'R-1', sensorC: 19.5, calibrate: true },
      { room: '客厅', temp: 18.5, deviceId: 'R-2', sensorC: 18, calibrate: false },
    ]);
    const png = await fetch(`http://127.0.0.1:${world.app.httpPort}/api/visits/${v.id}/signature`, { headers: { authorization: `Bearer ${world.adminToken}` } });
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    const flagged = (await world.api<DeviceView>('GET', '/api/devices/R-1')).body.dataQuality;
    expect(flagged?.facts).toEqual([{ fact: 'calibrate', measuredC: 17.5, sensorC: 19.5, limitC: 1.5, visitId: v.id }]);
    expect((await world.api<DeviceView>('GET', '/api/devices/R-2')).body.dataQuality).toBeNull();
    // Recorded once.
    expect((await complete(v.id, { measurements: [{ room: '卧室', temp: 18 }], signature: SIGNATURE })).status).toBe(409);
  });

  it('records a refusal with the reason and a neighbour’s measurement, unsigned', async () => {
    const v = (await plan({})).body;
    const done = await complete(v.id, { measurements: [{ room: '客厅', temp: 18.1 }], refused: { reason: '用户拒绝签字', neighbourHouseholdId: 'H-2', neighbourMeasurements: [{ room: '客厅', temp: 18.4, deviceId: 'R-3' }] } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ signed: false, refused: { reason: '用户拒绝签字', neighbourHouseholdId: 'H-2', neighbourMeasurements: [{ room: '客厅', temp: 18.4, deviceId: 'R-3', sensorC: null, calibrate: false }] } });
    expect((await world.api('GET', `/api/visits/${v.id}/signature`)).status).toBe(404);
    const own = await plan({});
    expect((await complete(own.body.id, { measurements: [{ room: '客厅', temp: 18.1 }], refused: { reason: '拒签', neighbourHouseholdId: 'H-1', neighbourMeasurements: [{ room: '客厅', temp: 18 }] } })).status).toBe(400);
  });

  it("is a heating-quality complaint's on-site step, the visit in its timeline", async () => {
    const complaint = (await world.api<Ticket>('POST', '/api/tickets', { type: 'heating_quality', description: '卧室不热', contact: '王先生 13900000001' })).body;
    const v = (await plan({ ticketId: complaint.id })).body;
    expect(v.ticketId).toBe(complaint.id);
    await complete(v.id, { measurements: [{ room: '卧室', temp: 17.6 }], signature: SIGNATURE });
    const ticket = (await world.api<Ticket & { timeline: TimelineEntry[] }>('GET', `/api/tickets/${complaint.id}`)).body;
    expect(ticket.status).toBe('on_site');
    expect(ticket.milestoneAt).not.toBeNull();
    expect(ticket.timeline.filter((e) => e.action === 'on_site').map((e) => e.data)).toEqual([{ visit: v.id }]);
  });

  it('keeps the calibration flag over a restart, and lists a household’s visits', async () => {
    await world.restart();
    expect((await world.api<DeviceView>('GET', '/api/devices/R-1')).body.dataQuality?.facts[0]).toMatchObject({ fact: 'calibrate', sensorC: 19.5 });
    const list = (await world.api<{ visits: Visit[] }>('GET', '/api/visits?householdId=H-1&status=done')).body.visits;
    expect(list.length).toBeGreaterThanOrEqual(3);
    expect(list.every((v) => v.householdId === 'H-1' && v.status === 'done')).toBe(true);
  });

  it('gives the flagged sensor one maintenance ticket (测温点校准), marked recovered when a later visit agrees, closed without a callback', async () => {
    const open = async () => (await world.api<{ tickets: Ticket[] }>('GET', '/api/tickets?type=sensor_calibration&status=active')).body.tickets;
    const [ticket] = await open();
    expect(ticket).toMatchObject({ type: 'sensor_calibration', source: 'rule', rule: 'calibration', deviceId: 'R-1', substationId: 'S-1', channel: null, dueAt: null, recoveredAt: null });
    expect(ticket!.facts).toEqual([expect.objectContaining({ fact: 'calibrate', measuredC: 17.5, sensorC: 19.5 })]);
    // The restart did not open it again, nor does a second disagreeing visit: one per sensor.
    const again = (await plan({})).body;
    await complete(again.id, { measurements: [{ room: '卧室', temp: 17.4, deviceId: 'R-1' }], signature: SIGNATURE });
    expect((await open()).map((t) => t.id)).toEqual([ticket!.id]);
    // The thermometer agrees with the sensor now: recovered, for a person to check and close.
    const agreeing = (await plan({})).body;
    await complete(agreeing.id, { measurements: [{ room: '卧室', temp: 19.2, deviceId: 'R-1' }], signature: SIGNATURE });
    expect((await world.api<Ticket>('GET', `/api/tickets/${ticket!.id}`)).body.recoveredAt).not.toBeNull();
    expect((await world.api<DeviceView>('GET', '/api/devices/R-1')).body.dataQuality).toBeNull();
    for (const step of ['acknowledge', 'resolve', 'close']) {
      expect((await world.api('POST', `/api/tickets/${ticket!.id}/${step}`, step === 'resolve' ? { cause: '已现场校准' } : {})).status).toBe(200);
    }
  });

  it("counts in the report: visits recorded, refused signatures, sensors flagged", async () => {
    // The visits were recorded 10 minutes ago: yesterday and today cover them at any hour.
    const today = localDateOf(Date.now());
    const yesterday = localDateOf(Date.now() - 24 * HOUR);
    const { visits } = (await world.api<{ visits: { done: number; refused: number; sensorsFlagged: number } }>('GET', `/api/reports?from=${yesterday}&to=${today}`)).body;
    // The signed one that flagged R-1, the refusal, the complaint's visit, and the two that
    // flagged R-1 again and cleared it: five visits, one sensor flagged.
    expect(visits).toEqual({ done: 5, refused: 1, sensorsFlagged: 1 });
  });
});
