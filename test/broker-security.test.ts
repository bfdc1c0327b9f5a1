/**
 * Issue 11, item 1: no device can touch another through the broker. Attacks against the real
 * embedded aedes broker with real mqtt.js clients: a device logging in with its own secret but
 * another device's client id, a second connection of one device, a client id past the contract,
 * 2 000 bad logins from one address, a refused publish with the retain flag.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../broker/login-throttle.ts';
import type { ProvisionedDevice } from '../ingest/contracts/devices.ts';
import { eventually, startWorld, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld;
let a: ProvisionedDevice;
let b: ProvisionedDevice;
beforeAll(async () => {
  world = await startWorld();
  a = await world.provision({ id: 'R-A' });
  b = await world.provision({ id: 'R-B' });
});
afterAll(() => world?.close());

const url = () => `mqtt://127.0.0.1:${world.app.mqttPort}`;
const as = (d: ProvisionedDevice, opts: IClientOptions = {}) => mqtt.connectAsync(url(), { username: d.mqtt.username, password: d.mqtt.password, reconnectPeriod: 0, ...opts });
const closed = (c: MqttClient) => new Promise<void>((resolve) => c.once('close', () => resolve()));
const rejections = async () => (await world.api<{ byReason: Record<string, number> }>('GET', '/api/rejections')).body.byReason;

/** The CONNACK code a connection attempt gets (0 = accepted). */
async function connack(opts: IClientOptions): Promise<number> {
  try {
    const c = await mqtt.connectAsync(url(), { reconnectPeriod: 0, connectTimeout: 10_000, ...opts });
    await c.endAsync(true);
    return 0;
  } catch (err) {
    return (err as { code: number }).code;
  }
}

describe('client ids', () => {
  it("a device using another device's client id neither disconnects it nor takes its session", async () => {
    const victim = await as(b, { clientId: 'R-B', clean: false });
    let victimClosed = false;
    victim.on('close', () => (victimClosed = true));
    await victim.subscribeAsync('heat/room/R-B/commands', { qos: 1 });

    const attacker = await as(a, { clientId: 'R-B', clean: false });
    // The attacker's connection is its own: it still may publish only as R-A.
    await attacker.publishAsync('heat/room/R-A/telemetry', JSON.stringify({ temp: 20.1 }), { qos: 1 });
    // The victim is still connected: it publishes and is acknowledged on the same connection.
    await victim.publishAsync('heat/room/R-B/telemetry', JSON.stringify({ temp: 20.2 }), { qos: 1 });
    expect(victimClosed).toBe(false);
    expect(victim.connected).toBe(true);
    await attacker.endAsync(true);
    await victim.endAsync(true);
  });

  it('a second connection of the same device replaces the first, as MQTT does for one client id', async () => {
    const first = await as(a, { clientId: 'sensor-firmware-1' });
    const gone = closed(first);
    const second = await as(a, { clientId: 'sensor-firmware-2' });
    await gone;
    await second.publishAsync('heat/room/R-A/telemetry', JSON.stringify({ temp: 20.3 }), { qos: 1 });
    expect((await world.api<{ mqtt: { devicesConnected: number } }>('GET', '/api/health', undefined, null)).body.mqtt.devicesConnected).toBe(1);
    await second.endAsync(true);
  });

  it('refuses a client id over 128 characters on MQTT 3.1.1 too, and counts it', async () => {
    const before = (await rejections()).bad_client_id ?? 0;
    expect(await connack({ username: a.mqtt.username, password: a.mqtt.password, clientId: 'x'.repeat(129), protocolVersion: 4 })).toBe(2);
    expect((await rejections()).bad_client_id).toBe(before + 1);
    expect(await connack({ username: a.mqtt.username, password: a.mqtt.password, clientId: 'x'.repeat(128), protocolVersion: 4 })).toBe(0);
  });
});

describe('retained messages', () => {
  it('never keeps a refused publish (an oversized reading with the retain flag) as a retained message', async () => {
    const sensor = await as(a);
    await sensor.publishAsync('heat/room/R-A/status', 'online', { qos: 1, retain: true });
    // Over 256 KiB: refused and counted, connection kept (the contract), retain flag set.
    await sensor.publishAsync('heat/room/R-A/telemetry', JSON.stringify({ temp: 20, pad: 'x'.repeat(300 * 1024) }), { qos: 1, retain: true });
    await sensor.publishAsync('heat/room/R-A/telemetry', JSON.stringify({ temp: 20.4 }), { qos: 1, retain: true });

    // A subscriber gets the retained messages first, then live ones: a live marker ends the list.
    const reader = await as(a, { clientId: 'reader' });
    const seen: string[] = [];
    const marker = new Promise<void>((resolve) =>
      reader.on('message', (topic, payload, packet) => {
        if (packet.retain) seen.push(topic);
        else if (payload.toString() === 'online') resolve();
      }),
    );
    await reader.subscribeAsync('heat/room/R-A/#', { qos: 1 });
    await reader.publishAsync('heat/room/R-A/status', 'online', { qos: 1 });
    await marker;
    expect(seen).toEqual(['heat/room/R-A/status']);
    await reader.endAsync(true);
  });
});

describe('failed logins from one address', () => {
  it('are answered at once after a burst, counted, and cost real devices nothing', async () => {
    const before = await rejections();
    // 2 000 bad logins from this address, 50 at a time.
    const codes: number[] = [];
    for (let i = 0; i < 2000; i += 50) {
      codes.push(...(await Promise.all(Array.from({ length: 50 }, () => connack({ username: 'R-A', password: 'guessing' })))));
    }
    const after = await rejections();
    // The first ones were checked and refused as bad credentials; the rest refused unchecked.
    expect(codes.filter((c) => c === 4).length).toBe((after.auth_failed ?? 0) - (before.auth_failed ?? 0));
    expect(codes.filter((c) => c === 3).length).toBe((after.auth_throttled ?? 0) - (before.auth_throttled ?? 0));
    expect(codes.filter((c) => c === 3).length).toBeGreaterThan(1900);
    expect(codes.every((c) => c === 3 || c === 4)).toBe(true);
    // Another device on the same address logs in at once.
    expect(await connack({ username: b.mqtt.username, password: b.mqtt.password })).toBe(0);
  }, 60_000);

  it('budgets: per device id and per address, spent by failures only, earned back with time', () => {
    const t = createLoginThrottle({ address: { burst: 5, perSecond: 1 }, device: { burst: 2, perSecond: 1 } });
    t.failed('10.0.0.1', 'R-1', 0);
    t.failed('10.0.0.1', 'R-1', 0);
    expect(t.blocked('10.0.0.1', 'R-1', 0)).toBe(true); // that device from that address
    expect(t.blocked('10.0.0.1', 'R-2', 0)).toBe(false); // another device behind the same NAT
    expect(t.blocked('10.0.0.2', 'R-1', 0)).toBe(false); // the same device id elsewhere
    expect(t.blocked('10.0.0.1', 'R-1', 1500)).toBe(false); // 1.5 failures forgiven
    for (const id of ['R-3', 'R-4', 'R-5', 'R-6', 'R-7']) t.failed('10.0.0.1', id, 1500);
    expect(t.blocked('10.0.0.1', 'R-8', 1500)).toBe(true); // a guesser of many ids: the address is spent
  });
});

describe('the flood guard', () => {
  it('holds a device it cut off for flooding off for a while: a reconnect in a loop is refused unheard, then let in', async () => {
    const flooder = await world.provision({ id: 'R-STORM' });
    const client = await as(flooder);
    const gone = closed(client);
    for (let i = 0; i < 2000; i++) client.publish('heat/room/R-STORM/telemetry', JSON.stringify({ temp: 20, ts: Date.now() - i }), { qos: 0 });
    await gone;
    // At once: refused with 3 (server unavailable: try later), no secret checked.
    const refusals = await Promise.allSettled(Array.from({ length: 20 }, () => as(flooder)));
    expect(refusals.every((r) => r.status === 'rejected' && (r.reason as { code?: number }).code === 3)).toBe(true);
    // A second after the first cut-off it may come back, and its readings are stored again.
    const back = await eventually(() => as(flooder).catch(() => undefined), 5_000);
    await back.publishAsync('heat/room/R-STORM/telemetry', JSON.stringify({ temp: 21.25 }), { qos: 1 });
    const stored = await world.api<{ readings: { temp: number }[] }>('GET', '/api/devices/R-STORM/readings');
    expect(stored.body.readings.map((r) => r.temp)).toContain(21.25);
    await back.endAsync();
  });

  it('belongs to the device: reconnecting does not refill it', async () => {
    const flooder = await world.provision({ id: 'R-FLOOD' });
    const before = (await rejections()).rate_limited ?? 0;
    let client = await as(flooder);
    // The default burst is 500: 400 messages leave 100, another connection must not get 500 fresh.
    for (let i = 0; i < 400; i++) client.publish('heat/room/R-FLOOD/telemetry', JSON.stringify({ temp: 20, ts: Date.now() - i }), { qos: 0 });
    await client.publishAsync('heat/room/R-FLOOD/telemetry', JSON.stringify({ temp: 20 }), { qos: 1 });
    await client.endAsync();
    client = await as(flooder);
    const gone = closed(client);
    for (let i = 0; i < 300; i++) client.publish('heat/room/R-FLOOD/telemetry', JSON.stringify({ temp: 20, ts: Date.now() - 500_000 - i }), { qos: 0 });
    await gone;
    await eventually(async () => ((await rejections()).rate_limited ?? 0) > before);
  });
});
