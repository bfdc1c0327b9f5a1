/** The pipeline end to end: device → embedded broker → ingest → SQLite → HTTP API and socket.io. */
import mqtt from 'mqtt';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionedDevice } from '../ingest/contracts/devices.ts';
import type { ClientToServerEvents, LiveReading, ServerToClientEvents } from '../ingest/contracts/events.ts';
import { eventually, startWorld, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld;
let station: ProvisionedDevice;
let room: ProvisionedDevice;

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

beforeAll(async () => {
  world = await startWorld();
  station = await world.provision({ id: 'SS-01', kind: 'substation', name: '一号换热站' });
  room = await world.provision({ id: 'R-01-0001', substationId: 'SS-01', roomType: 'living', address: '邹城市 幸福小区 3-2-501' });
});
afterAll(() => world.close());

function live(token = world.adminToken): Promise<LiveSocket> {
  const socket: LiveSocket = connectSocket(`http://127.0.0.1:${world.app.httpPort}`, { auth: { token }, transports: ['websocket'], reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

describe('a QoS 1 reading', () => {
  it('is stored by the time the device gets its PUBACK', async () => {
    const client = await world.connect(room);
    const ts = Date.now() - 60_000;
    await client.publishAsync('heat/room/R-01-0001/telemetry', JSON.stringify({ ts, temp: 19.6, humidity: 41, battery: 3.02, rssi: -71 }), { qos: 1 });
    const res = await world.api<{ readings: Record<string, unknown>[] }>('GET', '/api/devices/R-01-0001/readings');
    expect(res.status).toBe(200);
    expect(res.body.readings).toEqual([{ ts: new Date(ts).toISOString(), temp: 19.6, humidity: 41, battery: 3.02, rssi: -71 }]);
  });

  it('arrives live over socket.io, and the device list shows it', async () => {
    const socket = await live();
    const got = new Promise<LiveReading>((resolve) => socket.on('reading', (batch) => batch.forEach((r) => r.deviceId === 'SS-01' && resolve(r))));
    const client = await world.connect(station);
    const reading = { supplyTemp: 92.1, returnTemp: 51.3, supplyPressure: 0.82, returnPressure: 0.31, flow: 143, secSupplyTemp: 48.2, secReturnTemp: 38.9, outdoorTemp: -3.5 };
    await client.publishAsync('heat/substation/SS-01/telemetry', JSON.stringify(reading), { qos: 1 });
    const pushed = await got;
    expect(pushed).toMatchObject({ kind: 'substation', values: reading });
    socket.close();
    const list = await world.api<{ devices: { id: string; online: boolean; lastReading: { values: object } | null }[] }>('GET', '/api/devices?kind=substation');
    expect(list.body.devices).toHaveLength(1);
    expect(list.body.devices[0]).toMatchObject({ id: 'SS-01', online: true, lastReading: { values: reading } });
  });

  it('pushes a device event when a device comes online', async () => {
    const fresh = await world.provision({ id: 'R-01-0002', substationId: 'SS-01', roomType: 'bedroom' });
    const socket = await live();
    const events: { online: boolean }[] = [];
    socket.on('device', (d) => d.id === 'R-01-0002' && events.push(d));
    const client = await world.connect(fresh);
    await eventually(() => events.length === 1);
    await client.endAsync();
    await eventually(() => events.length === 2);
    expect(events.map((e) => e.online)).toEqual([true, false]);
    socket.close();
  });
});

describe('MQTT over WebSocket', () => {
  it('authenticates at /mqtt on the HTTP port and stores what the device sends', async () => {
    const device = await world.provision({ id: 'R-ws', substationId: 'SS-01' });
    const client = await mqtt.connectAsync(`ws://127.0.0.1:${world.app.httpPort}/mqtt`, {
      username: device.mqtt.username,
      password: device.mqtt.password,
      reconnectPeriod: 0,
    });
    await client.publishAsync('heat/room/R-ws/telemetry', JSON.stringify({ temp: 18.9 }), { qos: 1 });
    const stored = await world.api<{ readings: { temp: number }[] }>('GET', '/api/devices/R-ws/readings');
    expect(stored.body.readings.map((r) => r.temp)).toEqual([18.9]);
    await client.endAsync();
    await expect(
      mqtt.connectAsync(`ws://127.0.0.1:${world.app.httpPort}/mqtt`, { username: 'R-ws', password: 'wrong', reconnectPeriod: 0 }),
    ).rejects.toMatchObject({ code: 4 });
  });
});

describe('a device that drops off', () => {
  it('gets its retained last will on its status topic and shows offline', async () => {
    const device = await world.provision({ id: 'R-will', substationId: 'SS-01' });
    const will = { topic: 'heat/room/R-will/status', payload: Buffer.from('offline'), qos: 1 as const, retain: true };
    const client = await world.connect(device, { will, clientId: 'will-test' });
    await client.publishAsync('heat/room/R-will/status', 'online', { qos: 1, retain: true });
    await eventually(async () => (await world.api<{ online: boolean }>('GET', '/api/devices/R-will')).body.online);
    client.stream.destroy(); // no DISCONNECT: the broker publishes the will
    await eventually(async () => !(await world.api<{ online: boolean }>('GET', '/api/devices/R-will')).body.online);
    // A new session of the same device reads its own retained status: the will was published.
    const again = await world.connect(device, { clientId: 'will-test-2' });
    const status = new Promise<string>((resolve) => again.on('message', (_t, m) => resolve(m.toString())));
    await again.subscribeAsync('heat/room/R-will/status', { qos: 1 });
    expect(await status).toBe('offline');
  });
});

describe('a store-and-forward batch', () => {
  it('stores every reading once, even when the batch is sent twice', async () => {
    const client = await world.connect(room);
    const start = Date.now() - 8 * 3_600_000;
    const batch = Array.from({ length: 36 }, (_, i) => ({ ts: start + i * 600_000, temp: 18 + (i % 6) * 0.5 }));
    await client.publishAsync('heat/room/R-01-0001/telemetry', JSON.stringify(batch), { qos: 1 });
    await client.publishAsync('heat/room/R-01-0001/telemetry', JSON.stringify(batch), { qos: 1 });
    const from = new Date(start).toISOString();
    const to = new Date(start + 6 * 3_600_000).toISOString();
    const raw = await world.api<{ readings: { ts: string; temp: number }[] }>('GET', `/api/devices/R-01-0001/readings?from=${from}&to=${to}`);
    expect(raw.body.readings).toHaveLength(36);
    expect(raw.body.readings[0]).toEqual({ ts: from, temp: 18 });

    const hourly = await world.api<{ every: number; readings: { ts: string; temp: number }[] }>(
      'GET',
      `/api/devices/R-01-0001/readings?from=${from}&to=${to}&every=1h`,
    );
    expect(hourly.body.every).toBe(3600);
    // Each bucket is the mean of the raw readings in its epoch-aligned hour.
    const expected = new Map<number, number[]>();
    for (const r of raw.body.readings) {
      const hour = Math.floor(Date.parse(r.ts) / 3_600_000) * 3_600_000;
      expected.set(hour, [...(expected.get(hour) ?? []), r.temp]);
    }
    expect(hourly.body.readings.map((b) => Date.parse(b.ts))).toEqual([...expected.keys()]);
    for (const b of hourly.body.readings) {
      const temps = expected.get(Date.parse(b.ts))!;
      expect(b.temp).toBeCloseTo(temps.reduce((a, t) => a + t, 0) / temps.length, 9);
    }
  });
});

describe('after a restart', () => {
  it('keeps the readings, the devices and the last values', async () => {
    await world.restart();
    const device = await world.api<{ id: string; lastReading: { values: { temp: number } } | null }>('GET', '/api/devices/R-01-0001');
    expect(device.status).toBe(200);
    expect(device.body.lastReading?.values.temp).toBeTypeOf('number');
    const raw = await world.api<{ readings: unknown[] }>('GET', `/api/devices/R-01-0001/readings?from=${new Date(Date.now() - 9 * 3_600_000).toISOString()}`);
    expect(raw.body.readings.length).toBeGreaterThanOrEqual(37);
    // The old credentials still open a connection on the new broker port.
    const client = await world.connect(room);
    await client.publishAsync('heat/room/R-01-0001/telemetry', JSON.stringify({ temp: 20.4 }), { qos: 1 });
    await eventually(async () => (await world.api<{ lastReading: { values: { temp: number } } }>('GET', '/api/devices/R-01-0001')).body.lastReading.values.temp === 20.4);
  });
});

describe('socket.io refuses', () => {
  it('a connection without a valid token', async () => {
    await expect(live('not-a-token')).rejects.toThrow('HW_UNAUTHENTICATED');
    await expect(live('')).rejects.toThrow('HW_UNAUTHENTICATED');
  });

  it('to keep a connection whose session was logged out', async () => {
    const login = await world.api<{ token: string }>('POST', '/api/login', { username: 'admin', password: 'test-admin-password' }, null);
    const socket = await live(login.body.token);
    const told = new Promise<void>((resolve) => socket.once('session_expired', () => resolve()));
    const gone = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    await world.api('POST', '/api/logout', undefined, login.body.token);
    await told;
    expect(await gone).toBe('io server disconnect');
    await expect(live(login.body.token)).rejects.toThrow('HW_UNAUTHENTICATED');
  });
});
