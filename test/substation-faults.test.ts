/**
 * A substation's own readings tell of its faults before its rooms go cold (issue 17), through the
 * real pipeline: substation controllers publish over MQTT to the embedded broker, the rules open
 * the tickets, alerting pages through a webhook to a real HTTP receiver. A pump trip opens
 * 换热站故障 minutes after it (event time), paged once, and the rooms that go cold after it
 * are linked under it; a burst felt at two substations within 5 minutes is one main-pipe
 * accident, paged once, the second substation under the first; make-up water above 2 % of the
 * circulating flow for 30 minutes opens a leak on the substation.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionedDevice } from '../ingest/contracts/devices.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { startReceiver } from './support/alerting-rig.ts';
import { eventually, heatingAllYear, startWorld, type TestWorld } from './support/heatwatch.ts';

const MIN = 60_000;
const NORMAL = { supplyTemp: 95, returnTemp: 50, supplyPressure: 0.8, returnPressure: 0.3, flow: 120, secSupplyTemp: 55, secReturnTemp: 45, secSupplyPressure: 0.45, secReturnPressure: 0.28, makeupFlow: 0.6 };

let world: TestWorld;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const stations = new Map<string, MqttClient>();
/** An hour ago: the readings below are the last hour of each substation, in event time. */
const T0 = Date.now() - 60 * MIN;

beforeAll(async () => {
  receiver = await startReceiver();
  world = await startWorld(heatingAllYear());
  const every = [1, 2, 3, 4, 5, 6, 7];
  expect((await world.api('PUT', '/api/alerting/channels/hook', { name: '抢修群', config: { type: 'webhook', url: `${receiver.url}/hook` } })).status).toBe(200);
  expect(
    (
      await world.api('PUT', '/api/alerting/roster', {
        people: [{ id: 'zhang', name: '张工', mobile: '13800000001' }],
        teams: [{ id: 'east', name: '东区抢修班', substations: '*', channels: ['hook'] }],
        shifts: [{ team: 'east', person: 'zhang', role: 'engineer', weekdays: every, start: '00:00', end: '00:00' }],
      })
    ).status,
  ).toBe(200);
  for (const id of ['SS-PUMP', 'SS-B1', 'SS-B2', 'SS-LEAK']) {
    const device: ProvisionedDevice = await world.provision({ id, kind: 'substation', name: `换热站 ${id}` });
    stations.set(id, await world.connect(device));
  }
}, 60_000);

afterAll(async () => {
  await world?.close();
  await receiver?.close();
});

/** A reading a minute from `from` to `to` (minutes after T0), normal but for what `at` says, in one store-and-forward message. */
async function publish(id: string, from: number, to: number, at: (m: number) => Partial<typeof NORMAL>): Promise<void> {
  const readings = [];
  for (let m = from; m <= to; m++) readings.push({ ts: T0 + m * MIN, ...NORMAL, ...at(m) });
  await stations.get(id)!.publishAsync(`heat/substation/${id}/telemetry`, JSON.stringify(readings), { qos: 1 });
}

const tickets = async () => (await world.api<{ tickets: Ticket[] }>('GET', '/api/tickets?limit=5000')).body.tickets;
const pagesAbout = (id: string) => receiver.received.filter((m) => JSON.stringify(m.body).includes(id));

describe('substation faults from the substation’s own readings', () => {
  it('opens 换热站故障 minutes after a pump trip, pages once, and takes the rooms that go cold under it', async () => {
    await publish('SS-PUMP', 0, 20, (m) => (m > 10 ? { secSupplyPressure: 0.29 } : {}));
    const fault = await eventually(async () => (await tickets()).find((t) => t.deviceId === 'SS-PUMP' && t.type === 'substation_fault'));
    expect(fault).toMatchObject({ rule: 'substation_fault', substationId: 'SS-PUMP', milestone: 'on_site', parentId: null });
    expect(Date.parse(fault.dueAt!) - Date.parse(fault.openedAt)).toBe(60 * MIN);
    expect(Date.parse(fault.eventAt!) - (T0 + 10 * MIN)).toBeLessThanOrEqual(3 * MIN);
    expect(fault.facts).toEqual([expect.objectContaining({ fact: 'pump_stopped' })]);
    const [page] = await eventually(() => pagesAbout(fault.id).length > 0 && pagesAbout(fault.id));
    expect(String(page!.body.title)).toContain('换热站故障');
    expect(pagesAbout(fault.id)).toHaveLength(1);

    // Its rooms go cold an hour later: their tickets go under the fault, which paged for them.
    const room = await world.provision({ id: 'R-PUMP-1', substationId: 'SS-PUMP', roomType: 'bedroom' });
    const client = await world.connect(room);
    const cold = Array.from({ length: 9 }, (_, i) => ({ ts: T0 + (20 + i * 5) * MIN, temp: 16.8 }));
    await client.publishAsync('heat/room/R-PUMP-1/telemetry', JSON.stringify(cold), { qos: 1 });
    const roomTicket = await eventually(async () => (await tickets()).find((t) => t.deviceId === 'R-PUMP-1'));
    expect(roomTicket).toMatchObject({ type: 'room_temp_low', parentId: fault.id });
    // Dispatch takes it as one incident: acknowledging the fault acknowledges the room.
    await world.api('POST', `/api/tickets/${fault.id}/acknowledge`, {});
    expect((await world.api<Ticket>('GET', `/api/tickets/${roomTicket.id}`)).body.status).toBe('acknowledged');
  });

  it('takes a burst felt at two substations within 5 minutes as one main-pipe accident, paged once', async () => {
    await publish('SS-B1', 0, 20, (m) => (m > 10 ? { supplyPressure: 0.6 } : {}));
    await publish('SS-B2', 0, 20, (m) => (m > 12 ? { supplyPressure: 0.62 } : {}));
    const [first, second] = await eventually(async () => {
      const found = (await tickets()).filter((t) => t.type === 'pipeline_accident' && (t.deviceId === 'SS-B1' || t.deviceId === 'SS-B2'));
      return found.length === 2 && found.sort((a, b) => a.id.localeCompare(b.id));
    });
    expect(first).toMatchObject({ deviceId: 'SS-B1', parentId: null });
    expect(second).toMatchObject({ deviceId: 'SS-B2', parentId: first!.id });
    await eventually(() => pagesAbout(first!.id).length > 0);
    // The second substation's ticket plans no page of its own: the first one's speaks for the burst.
    const alerts = (await world.api<{ deliveries: unknown[] }>('GET', `/api/tickets/${second!.id}/deliveries`)).body.deliveries;
    expect(alerts).toEqual([]);
    expect(pagesAbout(second!.id)).toEqual([]);
  });

  it('opens a leak on the substation when make-up water stays above 2 % of the flow for 30 minutes', async () => {
    await publish('SS-LEAK', 0, 50, (m) => (m > 10 ? { makeupFlow: 4.2 } : {}));
    const leak = await eventually(async () => (await tickets()).find((t) => t.deviceId === 'SS-LEAK'));
    expect(leak).toMatchObject({ type: 'leak', rule: 'substation_leak', substationId: 'SS-LEAK', milestone: 'on_site' });
    expect(leak.facts).toEqual([expect.objectContaining({ fact: 'makeup_high', percent: expect.closeTo(3.5, 6), limitPercent: 2 })]);
    expect(Date.parse(leak.eventAt!)).toBe(T0 + 41 * MIN);
  });
});
