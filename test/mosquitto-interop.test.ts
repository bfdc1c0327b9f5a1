/**
 * HeatWatch consuming from an external broker: the Mosquitto that runs on 127.0.0.1:1883 on dev
 * and CI machines. Ids are unique per run because that broker is shared.
 */
import net from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startWorld, type TestWorld } from './support/heatwatch.ts';

const MOSQUITTO = process.env.HEATWATCH_TEST_MOSQUITTO_URL ?? 'mqtt://127.0.0.1:1883';
const run = `${process.pid}-${Date.now().toString(36)}`;
const clientId = `heatwatch-test-${run}`;
const deviceId = `R-mq-${run}`;
const topic = `heat/room/${deviceId}/telemetry`;

let world: TestWorld;
let sensor: MqttClient;

async function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port || 1883), hostname, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Health says "connected" once the subscriptions are in place. */
const consuming = () =>
  eventually(async () => (await world.api<{ mqtt: { connected: boolean } }>('GET', '/api/health', undefined, null)).body.mqtt.connected);

const readings = async () =>
  (await world.api<{ readings: { ts: string; temp: number }[] }>('GET', `/api/devices/${deviceId}/readings?from=${new Date(Date.now() - 3_600_000).toISOString()}`)).body.readings;

beforeAll(async () => {
  // A missing broker is a broken test machine, not a reason to skip: fail loudly.
  if (!(await reachable(MOSQUITTO))) throw new Error(`Mosquitto is not reachable at ${MOSQUITTO}: start it (mosquitto -d) and rerun`);
  world = await startWorld({ HEATWATCH_MQTT_URL: MOSQUITTO, HEATWATCH_MQTT_CLIENT_ID: clientId });
  await consuming();
  await world.provision({ id: deviceId });
  sensor = await mqtt.connectAsync(MOSQUITTO, { clientId: `sensor-${run}`, reconnectPeriod: 0 });
});

afterAll(async () => {
  await sensor?.endAsync();
  await world?.close();
  // Drop the persistent session this run left on the shared broker.
  const cleanup = await mqtt.connectAsync(MOSQUITTO, { clientId, clean: true, protocolVersion: 5, reconnectPeriod: 0 });
  await cleanup.endAsync();
});

describe('external broker (Mosquitto)', () => {
  it('reports the external broker in health', async () => {
    const health = await world.api<{ mqtt: { mode: string; connected: boolean } }>('GET', '/api/health', undefined, null);
    expect(health.body.mqtt).toMatchObject({ mode: 'external', connected: true });
    expect(world.app.mqttPort).toBeNull();
  });

  it('stores what a sensor publishes through Mosquitto', async () => {
    await sensor.publishAsync(topic, JSON.stringify({ temp: 19.8, ts: Date.now() - 1000 }), { qos: 1 });
    await eventually(async () => (await readings()).some((r) => r.temp === 19.8));
  });

  it('counts messages from devices it never provisioned and stores nothing for them', async () => {
    const ghost = `R-ghost-${run}`;
    await sensor.publishAsync(`heat/room/${ghost}/telemetry`, JSON.stringify({ temp: 20 }), { qos: 1 });
    await eventually(async () => {
      const summary = await world.api<{ byDevice: { deviceId: string; counts: Record<string, number> }[] }>('GET', '/api/rejections');
      return summary.body.byDevice.find((d) => d.deviceId === ghost)?.counts.unknown_device === 1;
    });
    expect((await world.api('GET', `/api/devices/${ghost}/readings`)).status).toBe(404);
  });

  it('counts bad payloads from a provisioned device', async () => {
    await sensor.publishAsync(topic, 'not json', { qos: 1 });
    await eventually(async () => (await world.api<{ rejections: Record<string, number> }>('GET', `/api/devices/${deviceId}`)).body.rejections.not_json === 1);
  });

  it('starts while the broker is unreachable, reports it degraded, and stays up', async () => {
    const down = await startWorld({ HEATWATCH_MQTT_URL: 'mqtt://127.0.0.1:9', HEATWATCH_MQTT_CLIENT_ID: `${clientId}-down` });
    const health = await down.api<{ status: string; mqtt: { connected: boolean } }>('GET', '/api/health', undefined, null);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', mqtt: { connected: false } });
    await down.close();
  });

  it('gets what was published while HeatWatch was down, from its persistent session', async () => {
    await world.app.close();
    const base = Date.now() - 30 * 60_000; // earlier than anything this file sent before
    for (let i = 0; i < 5; i++) await sensor.publishAsync(topic, JSON.stringify({ temp: 17 + i * 0.1, ts: base + i * 1000 }), { qos: 1 });
    await world.restart({ HEATWATCH_MQTT_URL: MOSQUITTO, HEATWATCH_MQTT_CLIENT_ID: clientId });
    const stored = await eventually(async () => {
      const rows = (await readings()).filter((r) => Date.parse(r.ts) >= base && Date.parse(r.ts) < base + 60_000);
      return rows.length === 5 ? rows : undefined;
    });
    expect(stored.map((r) => r.temp)).toEqual([17, 17.1, 17.2, 17.3, 17.4]);
  });
});
