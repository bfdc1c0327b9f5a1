/** Device authentication and the per-device ACL, with real mqtt.js clients against the embedded aedes. */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionedDevice } from '../ingest/contracts/devices.ts';
import { mayMatchTelemetry } from '../broker/create-broker.ts';
import { eventually, startWorld, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld;
let room: ProvisionedDevice;
let other: ProvisionedDevice;

beforeAll(async () => {
  world = await startWorld();
  await world.provision({ id: 'SS-1', kind: 'substation' });
  room = await world.provision({ id: 'R-1', substationId: 'SS-1', roomType: 'living' });
  other = await world.provision({ id: 'R-2', substationId: 'SS-1', roomType: 'bedroom' });
});
afterAll(() => world.close());

async function connackCode(username?: string, password?: string): Promise<number> {
  try {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${world.app.mqttPort}`, { username, password, reconnectPeriod: 0, connectTimeout: 5000 });
    await c.endAsync();
    return 0;
  } catch (err) {
    return (err as { code: number }).code;
  }
}

const rejections = async () => (await world.api<{ byDevice: { deviceId: string; counts: Record<string, number> }[] }>('GET', '/api/rejections')).body;
const countOf = async (deviceId: string, reason: string) => (await rejections()).byDevice.find((d) => d.deviceId === deviceId)?.counts[reason] ?? 0;

function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once('close', () => resolve()));
}

describe('authentication (CONNACK codes, MQTT 3.1.1)', () => {
  it('accepts a device with its issued secret', async () => {
    expect(await connackCode(room.mqtt.username, room.mqtt.password)).toBe(0);
  });
  it('refuses a wrong password with 4 and counts it on the device', async () => {
    const before = await countOf('R-1', 'auth_failed');
    expect(await connackCode(room.mqtt.username, 'wrong-secret')).toBe(4);
    expect(await countOf('R-1', 'auth_failed')).toBe(before + 1);
  });
  it('refuses an unknown username with the same 4', async () => {
    expect(await connackCode('no-such-device', 'whatever')).toBe(4);
  });
  it('refuses a connection without credentials', async () => {
    expect(await connackCode(undefined, undefined)).toBe(4);
  });
  it("refuses another device's secret", async () => {
    expect(await connackCode(room.mqtt.username, other.mqtt.password)).toBe(4);
  });
  it('does not let the ingest service name in when no service password is set', async () => {
    expect(await connackCode('heatwatch-ingest', 'x'.repeat(20))).toBe(4);
  });
});

describe('ACL: a device publishes and subscribes only under its own topic', () => {
  it("disconnects a device publishing under another device's topic and stores nothing", async () => {
    const before = await countOf('R-1', 'foreign_topic');
    const client = await world.connect(room);
    const gone = closed(client);
    client.publish('heat/room/R-2/telemetry', JSON.stringify({ temp: 25 }), { qos: 1 });
    await gone;
    expect(await countOf('R-1', 'foreign_topic')).toBe(before + 1);
    const readings = await world.api<{ readings: unknown[] }>('GET', '/api/devices/R-2/readings');
    expect(readings.body.readings).toEqual([]);
  });

  it('disconnects a room publishing under the substation kind', async () => {
    const before = await countOf('R-1', 'foreign_topic');
    const client = await world.connect(room);
    const gone = closed(client);
    client.publish('heat/substation/R-1/telemetry', JSON.stringify({ supplyTemp: 90, returnTemp: 50 }), { qos: 1 });
    await gone;
    expect(await countOf('R-1', 'foreign_topic')).toBe(before + 1);
  });

  it('disconnects a publish to a topic outside the contract, and to $SYS, counting both', async () => {
    const before = await countOf('R-1', 'bad_topic');
    for (const topic of ['heat/room/R-1/firmware', '$SYS/broker/uptime']) {
      const client = await world.connect(room);
      const gone = closed(client);
      client.publish(topic, 'x', { qos: 1 });
      await gone;
    }
    expect(await countOf('R-1', 'bad_topic')).toBe(before + 2);
  });

  it('refuses QoS 2, which the contract does not offer, and stores nothing', async () => {
    const client = await world.connect(other);
    const gone = closed(client);
    client.publish('heat/room/R-2/telemetry', JSON.stringify({ temp: 30.5 }), { qos: 2 });
    await gone;
    expect(await countOf('R-2', 'unsupported_qos')).toBe(1);
    const stored = await world.api<{ readings: { temp: number }[] }>('GET', '/api/devices/R-2/readings');
    expect(stored.body.readings.map((r) => r.temp)).not.toContain(30.5);
  });

  it('grants a subscription under its own id and refuses any other with 0x80', async () => {
    const client = await world.connect(room);
    // The SUBACK's return code as it came over the wire.
    const grant = (topic: string) =>
      new Promise<number>((resolve) => {
        client.once('packetreceive', (packet) => resolve(packet.cmd === 'suback' ? (packet.granted[0] as number) : -1));
        client.subscribe(topic, { qos: 1 }, () => undefined);
      });
    const topics = ['heat/room/R-1/commands', 'heat/room/R-1/#', 'heat/room/R-2/telemetry', 'heat/#', 'heat/room/+/telemetry', '#', '$SYS/#'];
    const codes = [];
    for (const t of topics) codes.push(await grant(t));
    expect(codes).toEqual([1, 1, 128, 128, 128, 128, 128]);
    expect(client.connected).toBe(true);
  });

  it('marks the device online while connected and offline after', async () => {
    const client = await world.connect(other);
    await eventually(async () => (await world.api<{ online: boolean }>('GET', '/api/devices/R-2')).body.online);
    await client.endAsync();
    await eventually(async () => !(await world.api<{ online: boolean }>('GET', '/api/devices/R-2')).body.online);
  });
});

describe('flood guard', () => {
  it('disconnects a device that exceeds its message rate and keeps serving the others', async () => {
    const flooder = await world.provision({ id: 'R-flood' });
    const client = await world.connect(flooder);
    const gone = closed(client);
    // Burst is 500 by default: 2 000 messages at once must trip it.
    for (let i = 0; i < 2000; i++) client.publish('heat/room/R-flood/telemetry', JSON.stringify({ temp: 20, ts: Date.now() - i }), { qos: 0 });
    await gone;
    expect(await countOf('R-flood', 'rate_limited')).toBeGreaterThanOrEqual(1);
    const calm = await world.connect(other);
    await calm.publishAsync('heat/room/R-2/telemetry', JSON.stringify({ temp: 21.5 }), { qos: 1 });
    const r = await world.api<{ readings: { temp: number }[] }>('GET', '/api/devices/R-2/readings');
    expect(r.body.readings.map((x) => x.temp)).toContain(21.5);
    const stored = await world.api<{ readings: unknown[] }>('GET', '/api/devices/R-flood/readings');
    expect(stored.body.readings.length).toBeLessThanOrEqual(520);
  });
});

describe('routing of stored telemetry to subscribers', () => {
  it('skips the routing while nobody can receive a reading, and delivers once a subscription can', async () => {
    const own = await startWorld();
    try {
      const device = await own.provision({ id: 'R-9', roomType: 'living' });
      const client = await own.connect(device);
      await client.publishAsync('heat/room/R-9/telemetry', JSON.stringify({ temp: 20.5 }), { qos: 1 });
      const received = new Promise<string>((resolve) => client.on('message', (topic, payload) => topic.endsWith('/telemetry') && resolve(payload.toString())));
      // Its own subtree, as the ACL allows: from now on the broker routes what it stores.
      await client.subscribeAsync('heat/room/R-9/#', { qos: 1 });
      await client.publishAsync('heat/room/R-9/telemetry', JSON.stringify({ temp: 21.5 }), { qos: 1 });
      expect(JSON.parse(await received)).toEqual({ temp: 21.5 });
      const stored = await own.api<{ readings: { temp: number }[] }>('GET', '/api/devices/R-9/readings');
      expect(stored.body.readings.map((r) => r.temp).sort()).toEqual([20.5, 21.5]);
      await client.endAsync();
    } finally {
      await own.close();
    }
  });

  it('knows which subscriptions can match a telemetry topic', () => {
    const can = ['heat/room/R-1/telemetry', 'heat/room/R-1/#', 'heat/#', '#', '+/+/+/+', 'heat/+/+/telemetry', '$share/hw/heat/+/+/telemetry', 'heat/room/R-1/telemetry/#', 'heat/substation/+/+'];
    const cannot = ['heat/room/R-1/status', 'heat/room/R-1/commands', 'heat/room/R-1', 'heat/room/+/status', '$SYS/#', 'other/#', 'heat/room/R-1/telemetry/x', '+/+/+'];
    expect(can.filter((f) => !mayMatchTelemetry(f))).toEqual([]);
    expect(cannot.filter((f) => mayMatchTelemetry(f))).toEqual([]);
  });
});
