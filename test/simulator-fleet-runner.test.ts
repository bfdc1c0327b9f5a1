/**
 * The simulator against a real HeatWatch (embedded aedes, SQLite in a temp dir, Fastify on
 * port 0): provisioning over HTTP, one MQTT connection per device, readings stored, secrets
 * reused from the credentials file on a re-run, retained `offline` on stop.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeatWatch, type HeatWatch } from '../ingest/app.ts';
import { loadConfig } from '../ingest/config/config.ts';
import { createLogger } from '../ingest/observability/logger.ts';
import { runFleet, type FleetOptions } from '../simulators/fleet-runner.ts';

const PASSWORD = 'sim-test-password';
let dir: string;
let app: HeatWatch;
let token: string;

async function api(route: string): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL(route, app.url), { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'heatwatch-sim-'));
  const config = loadConfig({
    HEATWATCH_HTTP_PORT: '0',
    HEATWATCH_HTTP_HOST: '127.0.0.1',
    HEATWATCH_MQTT_PORT: '0',
    HEATWATCH_MQTT_HOST: '127.0.0.1',
    HEATWATCH_DATA_DIR: dir,
    HEATWATCH_ADMIN_PASSWORD: PASSWORD,
    HEATWATCH_LOG_LEVEL: 'silent',
  });
  app = await startHeatWatch(config, { logger: createLogger('silent') });
  const login = await fetch(new URL('/api/login', app.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  token = ((await login.json()) as { token: string }).token;
});

afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('runFleet against a real HeatWatch', () => {
  const lines: string[] = [];
  const options = (): FleetOptions => ({
    apiUrl: app.url,
    mqttUrl: `mqtt://127.0.0.1:${app.mqttPort}`,
    username: 'admin',
    password: PASSWORD,
    rooms: 12,
    substations: 2,
    speed: 3600,
    scenario: 'substation-trip',
    seed: 3,
    // Two sim hours to replay at 3600×: the trip (at +1 h) happens within two real seconds.
    start: Date.now() - 2 * 3_600_000,
    credentialsFile: path.join(dir, 'sim-credentials.json'),
    log: (line) => lines.push(line),
  });

  it('provisions, publishes readings that are stored, and goes offline on stop', async () => {
    const fleet = await runFleet(options());
    expect(fleet.devices).toBe(14);
    const devices = (await api('/api/devices')).body.devices as { id: string; name: string }[];
    expect(devices.map((d) => d.id).sort()).toContain('R-001-0001');
    expect(devices.find((d) => d.id === 'SS-001')?.name).toBe('一号换热站');
    await waitFor(async () => (await api('/api/devices/SS-001/readings')).body.readings.length >= 200, 20_000);
    await waitFor(async () => lines.some((l) => /^substation SS-00\d .*tripped at/.test(l)), 10_000);
    // Two sim hours of a room sampling every 15 min: 8 readings (7 if its phase falls late).
    await waitFor(async () => (await api('/api/devices/R-001-0001/readings')).body.readings.length >= 7, 10_000);
    const room = await api('/api/devices/R-001-0001/readings');
    expect(room.body.readings[0].temp).toBeGreaterThan(15);
    // Nothing the simulator sends in a healthy stream may be refused.
    expect((await api('/api/rejections')).body.total).toBe(0);
    await fleet.stop();

    const statuses = new Map<string, string>();
    const watcher = await mqtt.connectAsync(`mqtt://127.0.0.1:${app.mqttPort}`, { username: 'R-001-0001', password: JSON.parse(await readFile(options().credentialsFile!, 'utf8')).devices['R-001-0001'] });
    watcher.on('message', (topic, payload) => statuses.set(topic, payload.toString()));
    await watcher.subscribeAsync('heat/room/R-001-0001/status');
    await waitFor(async () => statuses.has('heat/room/R-001-0001/status'), 5_000);
    expect(statuses.get('heat/room/R-001-0001/status')).toBe('offline');
    await watcher.endAsync();
  }, 60_000);

  it('reuses the secrets from the credentials file on a re-run', async () => {
    lines.length = 0;
    const fleet = await runFleet(options());
    expect(lines.some((l) => l.startsWith('provisioned: 0 new, 14 reused'))).toBe(true);
    expect(lines.some((l) => /14 connected/.test(l))).toBe(true);
    await fleet.stop();
  }, 60_000);

  it('skips, and says so, devices that exist but whose secret it does not have', async () => {
    lines.length = 0;
    const fleet = await runFleet({ ...options(), rooms: 13, credentialsFile: path.join(dir, 'other.json') });
    expect(fleet.devices).toBe(1);
    expect(lines.some((l) => /skipped SS-001: exists on the server but its secret is not in/.test(l))).toBe(true);
    await fleet.stop();
  }, 60_000);
});
