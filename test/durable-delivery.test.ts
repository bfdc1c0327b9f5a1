/**
 * No acknowledged reading is lost (DESIGN.md §9): InfluxDB killed mid-stream, HeatWatch killed
 * with SIGKILL after the PUBACKs, in InfluxDB and in SQLite mode. Real influxd, real processes.
 */
import fs from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHeatWatch, type HeatWatchProcess } from '../simulators/heatwatch-process.ts';
import { ADMIN_PASSWORD, eventually, startWorld, tempDir, type TestWorld } from './support/heatwatch.ts';
import { startInfluxd, type Influxd } from '../simulators/local-influxd.ts';

let influxd: Influxd;
beforeAll(async () => {
  influxd = await startInfluxd();
});
afterAll(() => influxd?.stop());

/** A sensor flushing its backlog publishes fast: lift the flood guard for these tests. */
const FAST = { HEATWATCH_DEVICE_MSG_RATE: '100000', HEATWATCH_DEVICE_MSG_BURST: '100000' };

/** Publishes `count` readings at QoS 1, `window` in flight; returns the timestamps acknowledged. */
async function publish(client: MqttClient, deviceId: string, firstTs: number, count: number, window = 20): Promise<number[]> {
  return publishEach(client, deviceId, Array.from({ length: count }, (_, i) => firstTs + i * 1000), window);
}

/** Publishes a reading for each timestamp at QoS 1, `window` in flight; returns those acknowledged. */
async function publishEach(client: MqttClient, deviceId: string, timestamps: number[], window = 20): Promise<number[]> {
  const acked: number[] = [];
  let next = 0;
  // mqtt.js keeps an unacknowledged QoS 1 publish for a reconnect that never comes: stop on close.
  const closed = new Promise<'closed'>((resolve) => client.once('close', () => resolve('closed')));
  async function lane() {
    while (next < timestamps.length) {
      const ts = timestamps[next++]!;
      const outcome = await Promise.race([
        client.publishAsync(`heat/room/${deviceId}/telemetry`, JSON.stringify({ ts, temp: 15 + (ts % 1000) / 100 }), { qos: 1 }).then(() => 'acked' as const, () => 'closed' as const),
        closed,
      ]);
      if (outcome === 'closed') return; // what was not acknowledged is the sensor's to resend
      acked.push(ts);
    }
  }
  await Promise.all(Array.from({ length: window }, lane));
  return acked.sort((a, b) => a - b);
}

/**
 * What a real sensor does with its backlog: keeps every reading until it is acknowledged, and
 * when the broker closes the connection, reconnects and sends the rest again, until `deadline`.
 */
async function sendLikeASensor(connect: () => Promise<MqttClient>, deviceId: string, timestamps: number[], deadline: number): Promise<void> {
  let left = [...timestamps];
  while (left.length > 0) {
    if (Date.now() > deadline) throw new Error(`${left.length} readings were never acknowledged`);
    const client = await connect();
    const acked = new Set(await publishEach(client, deviceId, left, 1));
    left = left.filter((ts) => !acked.has(ts));
    await client.endAsync(true).catch(() => undefined);
    // A sensor backs off before it dials again; the broker owes it nothing sooner.
    if (left.length > 0) await new Promise((r) => setTimeout(r, 200));
  }
}

async function influxTimestamps(db: string, deviceId: string): Promise<number[]> {
  const q = `SELECT "temp" FROM "room" WHERE "deviceId" = '${deviceId}'`;
  const res = (await (await fetch(`${influxd.url}/query?db=${db}&epoch=ms&q=${encodeURIComponent(q)}`)).json()) as {
    results: { series?: { values: [number, number][] }[] }[];
  };
  return (res.results[0]?.series?.[0]?.values ?? []).map((v) => v[0]);
}

async function health(port: number) {
  return (await fetch(`http://127.0.0.1:${port}/api/health`)).json() as Promise<{ status: string; store: { state: string; backlog: number } }>;
}

async function login(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  return ((await res.json()) as { token: string }).token;
}

async function provision(port: number, id: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/devices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await login(port)}` },
    body: JSON.stringify({ id, kind: 'room', name: id, lat: 35.4, lng: 116.97 }),
  });
  return ((await res.json()) as { mqtt: { password: string } }).mqtt.password;
}

describe('InfluxDB killed mid-stream', () => {
  let world: TestWorld;
  afterAll(() => world?.close());

  it('keeps acknowledging into the outbox, reports degraded, and delivers everything exactly once when it is back', async () => {
    world = await startWorld({ ...FAST, HEATWATCH_INFLUX_URL: influxd.url, HEATWATCH_INFLUX_DB: 'midstream' });
    const device = await world.provision({ id: 'R-mid' });
    const client = await world.connect(device);
    const t0 = Date.now() - 3 * 3_600_000;
    const before = await publish(client, 'R-mid', t0, 500);
    await eventually(async () => (await influxTimestamps('midstream', 'R-mid')).length === 500);

    await influxd.kill();
    const during = await publish(client, 'R-mid', t0 + 500_000, 1500);
    expect(during).toHaveLength(1500); // acknowledged while InfluxDB is down: they are on disk
    const degraded = await eventually(async () => {
      const h = await world.api<{ status: string; store: { state: string; backlog: number } }>('GET', '/api/health', undefined, null);
      return h.body.store.state === 'degraded' ? h : undefined;
    });
    expect(degraded.status).toBe(503);
    expect(degraded.body.store.backlog).toBeGreaterThan(0);

    await influxd.start();
    await eventually(async () => (await world.api<{ store: { backlog: number; state: string } }>('GET', '/api/health', undefined, null)).body.store.backlog === 0, 60_000);
    const stored = await influxTimestamps('midstream', 'R-mid');
    expect(stored).toEqual([...before, ...during]);
    const metrics = await (await fetch(`http://127.0.0.1:${world.app.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/heatwatch_outbox_delivered_total 2000/);
  }, 120_000);
});

describe('a full outbox', () => {
  let world: TestWorld;
  afterAll(() => world?.close());

  it('refuses new readings without acknowledging them, and takes them again once InfluxDB drained it', async () => {
    world = await startWorld({ ...FAST, HEATWATCH_INFLUX_URL: influxd.url, HEATWATCH_INFLUX_DB: 'full', HEATWATCH_OUTBOX_MAX_READINGS: '100', HEATWATCH_OUTBOX_ALARM_READINGS: '50' });
    const device = await world.provision({ id: 'R-full' });
    await influxd.kill();
    const client = await world.connect(device);
    const t0 = Date.now() - 3_600_000;
    const accepted = await publish(client, 'R-full', t0, 300, 1);
    expect(accepted).toHaveLength(100); // the 101st got no PUBACK: the connection was closed
    expect(client.connected).toBe(false);
    const h = await world.api<{ store: { state: string; backlog: number; detail: string } }>('GET', '/api/health', undefined, null);
    expect(h.body.store).toMatchObject({ state: 'degraded', backlog: 100 });

    await influxd.start();
    // The sensor still holds the 200 readings it was refused: it comes back and sends them until
    // each is acknowledged (the outbox may fill again while InfluxDB drains it: then once more).
    const all = Array.from({ length: 300 }, (_, i) => t0 + i * 1000);
    const refused = all.filter((ts) => !accepted.includes(ts));
    await sendLikeASensor(() => world.connect(device), 'R-full', refused, Date.now() + 60_000);
    await eventually(async () => (await influxTimestamps('full', 'R-full')).length === 300, 30_000);
    expect(await influxTimestamps('full', 'R-full')).toEqual(all);
  }, 90_000);
});

describe('HeatWatch killed with SIGKILL', () => {
  let proc: HeatWatchProcess | undefined;
  afterAll(async () => {
    await proc?.kill('SIGKILL');
  });

  it('InfluxDB mode: what was acknowledged before the kill, InfluxDB down at the time, arrives once after restart', async () => {
    const dataDir = tempDir();
    const env = { ...FAST, HEATWATCH_DATA_DIR: dataDir, HEATWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD, HEATWATCH_INFLUX_URL: influxd.url, HEATWATCH_INFLUX_DB: 'sigkill' };
    proc = await spawnHeatWatch(env);
    const password = await provision(proc.httpPort, 'R-kill');
    let client = await mqtt.connectAsync(`mqtt://127.0.0.1:${proc.mqttPort}`, { username: 'R-kill', password, reconnectPeriod: 0 });
    const t0 = Date.now() - 2 * 3_600_000;
    const delivered = await publish(client, 'R-kill', t0, 300);
    await eventually(async () => (await influxTimestamps('sigkill', 'R-kill')).length === 300);

    await influxd.kill();
    const pending = await publish(client, 'R-kill', t0 + 300_000, 700);
    expect(pending).toHaveLength(700);
    await client.endAsync(true);
    expect(await proc.kill('SIGKILL')).toBeNull(); // killed, not exited

    await influxd.start();
    proc = await spawnHeatWatch(env);
    await eventually(async () => (await health(proc!.httpPort)).store.backlog === 0, 60_000);
    expect(await influxTimestamps('sigkill', 'R-kill')).toEqual([...delivered, ...pending]);
    // And it keeps working after the recovery.
    client = await mqtt.connectAsync(`mqtt://127.0.0.1:${proc.mqttPort}`, { username: 'R-kill', password, reconnectPeriod: 0 });
    const after = await publish(client, 'R-kill', t0 + 1_000_000, 10);
    await client.endAsync();
    await eventually(async () => (await influxTimestamps('sigkill', 'R-kill')).length === 1010);
    expect(after).toHaveLength(10);
    await proc.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('SQLite mode: every acknowledged reading is there after SIGKILL and restart', async () => {
    const dataDir = tempDir();
    const env = { ...FAST, HEATWATCH_DATA_DIR: dataDir, HEATWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD };
    proc = await spawnHeatWatch(env);
    const password = await provision(proc.httpPort, 'R-sq');
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${proc.mqttPort}`, { username: 'R-sq', password, reconnectPeriod: 0 });
    const t0 = Date.now() - 3_600_000;
    const acked = await publish(client, 'R-sq', t0, 2000);
    client.end(true);
    await proc.kill('SIGKILL');

    proc = await spawnHeatWatch(env);
    const res = await fetch(`http://127.0.0.1:${proc.httpPort}/api/devices/R-sq/readings?from=${new Date(t0 - 1000).toISOString()}`, {
      headers: { authorization: `Bearer ${await login(proc.httpPort)}` },
    });
    const body = (await res.json()) as { readings: { ts: string }[] };
    expect(body.readings.map((r) => Date.parse(r.ts))).toEqual(acked);
    await proc.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);
});
