/**
 * Every kind of bad telemetry, sent over real MQTT: nothing is stored, each refusal is counted
 * under the device and its reason, and HeatWatch stays healthy and keeps serving good data.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionedDevice } from '../ingest/contracts/devices.ts';
import type { RejectReason } from '../ingest/contracts/payloads.ts';
import { startWorld, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld;
let sensor: ProvisionedDevice;
let client: MqttClient;
const TOPIC = 'heat/room/R-bad/telemetry';

beforeAll(async () => {
  world = await startWorld();
  sensor = await world.provision({ id: 'R-bad' });
  client = await world.connect(sensor);
});
afterAll(() => world.close());

const now = Date.now();
const cases: [string, string | Buffer, RejectReason][] = [
  ['non-JSON', 'temp=19.5', 'not_json'],
  ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01]), 'not_json'],
  ['null', 'null', 'not_object'],
  ['a bare number', '42', 'not_object'],
  ['wrong type', '{"temp":"warm"}', 'invalid_field'],
  ['Infinity (1e999)', '{"temp":1e999}', 'invalid_field'],
  ['out of range', '{"temp":-273}', 'out_of_range'],
  ['6 min in the future', `{"temp":20,"ts":${now + 6 * 60_000}}`, 'ts_in_future'],
  ['8 days old', `{"temp":20,"ts":${now - 8 * 86_400_000}}`, 'ts_too_old'],
  ['empty object', '{}', 'invalid_field'],
  ['empty array', '[]', 'empty_array'],
  ['array of 501', JSON.stringify(Array.from({ length: 501 }, (_, i) => ({ temp: 20, ts: now - i * 1000 }))), 'too_many_readings'],
  ['over 256 KB', JSON.stringify({ temp: 20, pad: 'x'.repeat(300 * 1024) }), 'payload_too_large'],
];

describe('bad telemetry over MQTT', () => {
  it.each(cases)('%s: stored nothing, counted, connection kept', async (_name, payload, reason) => {
    const before = (await world.api<{ rejections: Record<string, number> }>('GET', '/api/devices/R-bad')).body.rejections[reason] ?? 0;
    await client.publishAsync(TOPIC, payload, { qos: 1 });
    const after = (await world.api<{ rejections: Record<string, number> }>('GET', '/api/devices/R-bad')).body.rejections[reason] ?? 0;
    expect(after).toBe(before + 1);
    const stored = await world.api<{ readings: unknown[] }>('GET', `/api/devices/R-bad/readings?from=${new Date(now - 9 * 86_400_000).toISOString()}&to=${new Date(now + 86_400_000).toISOString()}`);
    expect(stored.body.readings).toEqual([]);
    expect(client.connected).toBe(true);
  });

  it('an unknown device id never gets to publish: CONNACK 4', async () => {
    await expect(world.connect({ mqtt: { username: 'R-ghost', password: sensor.mqtt.password } })).rejects.toMatchObject({ code: 4 });
  });

  it('leaves the server healthy, counting every refusal by reason, and good data still flows', async () => {
    const health = await world.api<{ status: string }>('GET', '/api/health', undefined, null);
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    await client.publishAsync(TOPIC, JSON.stringify({ temp: 21.3 }), { qos: 1 });
    const stored = await world.api<{ readings: { temp: number }[] }>('GET', '/api/devices/R-bad/readings');
    expect(stored.body.readings.map((r) => r.temp)).toEqual([21.3]);
    const summary = await world.api<{ byReason: Record<string, number>; recent: { deviceId: string; reason: string; detail: string }[] }>('GET', '/api/rejections');
    // Each bad message above counted once under its reason, nothing twice, nothing dropped.
    for (const [, , reason] of cases) expect(summary.body.byReason[reason], reason).toBe(cases.filter((c) => c[2] === reason).length);
    expect(summary.body.recent.some((r) => r.deviceId === 'R-bad' && r.reason === 'too_many_readings' && r.detail.includes('501'))).toBe(true);
    const metrics = await fetch(`http://127.0.0.1:${world.app.httpPort}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/heatwatch_readings_rejected_total\{reason="not_json"\} 2/);
    expect(metrics).toMatch(/heatwatch_readings_accepted_total\{kind="room"\} 1/);
  });
});
