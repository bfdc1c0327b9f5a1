/**
 * `npm run broker` as its own process, with ingest reading from it as an external broker
 * through the `heatwatch-ingest` service account: the split deployment of DESIGN.md §4.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startWorld, tempDir, type TestWorld } from './support/heatwatch.ts';

const INGEST_PASSWORD = 'ingest-service-password-123';
let dir: string;
let broker: ChildProcess;
let brokerUrl: string;
let world: TestWorld;

beforeAll(async () => {
  dir = tempDir();
  broker = spawn(process.execPath, ['--import', 'tsx', 'broker/main.ts'], {
    env: { ...process.env, HEATWATCH_DATA_DIR: dir, HEATWATCH_MQTT_PORT: '0', HEATWATCH_MQTT_HOST: '127.0.0.1', HEATWATCH_INGEST_MQTT_PASSWORD: INGEST_PASSWORD },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    broker.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"mqttPort":(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    broker.once('exit', (code) => reject(new Error(`broker exited with ${code}: ${out}`)));
  });
  brokerUrl = `mqtt://127.0.0.1:${port}`;
  world = await startWorld({
    HEATWATCH_DATA_DIR: dir,
    HEATWATCH_MQTT_URL: brokerUrl,
    HEATWATCH_MQTT_USERNAME: 'heatwatch-ingest',
    HEATWATCH_MQTT_PASSWORD: INGEST_PASSWORD,
    HEATWATCH_MQTT_PROTOCOL_VERSION: '4',
  });
  // Subscribed before any device publishes: a relay keeps nothing for absent subscribers.
  await eventually(async () => (await world.api<{ mqtt: { connected: boolean } }>('GET', '/api/health', undefined, null)).body.mqtt.connected);
});

afterAll(async () => {
  await world?.close();
  broker?.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('standalone broker', () => {
  it('authenticates a device provisioned after it started and relays its readings to ingest', async () => {
    const device = await world.provision({ id: 'R-split' });
    const client = await mqtt.connectAsync(brokerUrl, { username: device.mqtt.username, password: device.mqtt.password, reconnectPeriod: 0 });
    await client.publishAsync('heat/room/R-split/telemetry', JSON.stringify({ temp: 22.2 }), { qos: 1 });
    await eventually(async () => (await world.api<{ readings: { temp: number }[] }>('GET', '/api/devices/R-split/readings')).body.readings[0]?.temp === 22.2);
    await client.endAsync();
  });

  it('keeps its ACL: a device cannot read the telemetry stream, the ingest account cannot publish', async () => {
    const device = await world.provision({ id: 'R-nosy' });
    const nosy = await mqtt.connectAsync(brokerUrl, { username: device.mqtt.username, password: device.mqtt.password, reconnectPeriod: 0 });
    const code = await new Promise<number>((resolve) => {
      nosy.once('packetreceive', (p) => p.cmd === 'suback' && resolve(p.granted[0] as number));
      nosy.subscribe('heat/+/+/telemetry', { qos: 1 });
    });
    expect(code).toBe(128);
    await nosy.endAsync();
    const service = await mqtt.connectAsync(brokerUrl, { username: 'heatwatch-ingest', password: INGEST_PASSWORD, reconnectPeriod: 0, clientId: 'impostor' });
    const closed = new Promise<void>((resolve) => service.once('close', () => resolve()));
    service.publish('heat/room/R-nosy/telemetry', JSON.stringify({ temp: 30 }), { qos: 1 });
    await closed;
    const wrong = await mqtt.connectAsync(brokerUrl, { username: 'heatwatch-ingest', password: 'guess', reconnectPeriod: 0 }).catch((e: { code: number }) => e.code);
    expect(wrong).toBe(4);
  });
});
