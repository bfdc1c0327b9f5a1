/**
 * Starts a real HeatWatch (embedded broker, SQLite in a temp dir, Fastify on a free port)
 * for one test file, and gives it the helpers a user would have: log in, provision, connect.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { startHeatWatch, type HeatWatch } from '../../ingest/app.ts';
import { loadConfig } from '../../ingest/config/config.ts';
import type { NewDevice, ProvisionedDevice } from '../../ingest/contracts/devices.ts';
import { HeatWatchClient } from '../../simulators/heatwatch-client.ts';
import { pgDatabase } from './postgres.ts';

export const ADMIN_PASSWORD = 'test-admin-password';

export interface TestWorld {
  app: HeatWatch;
  dataDir: string;
  adminToken: string;
  api<T = unknown>(method: string, url: string, body?: unknown, token?: string | null): Promise<{ status: number; body: T }>;
  provision(device: Partial<NewDevice> & { id: string }): Promise<ProvisionedDevice>;
  connect(device: { mqtt: { username: string; password: string } }, opts?: IClientOptions): Promise<MqttClient>;
  /** Stops HeatWatch and starts it again on the same data; `whileDown` runs in between. */
  restart(extraEnv?: Record<string, string>, whileDown?: () => Promise<unknown>): Promise<void>;
  close(): Promise<void>;
}

export function tempDir(prefix = 'heatwatch-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

let allYearRules: string | undefined;
/**
 * Rules whose heating season is every day of the year, for tests that expect cold rooms to open
 * tickets on the real clock: with the default season (15 Nov – 19 Mar) they would fail from
 * 20 March to 14 November. The suite must pass on any day (`faketime '2026-07-15' npm test`).
 */
export function heatingAllYear(): { HEATWATCH_RULES_FILE: string } {
  if (!allYearRules) {
    allYearRules = path.join(tempDir('heatwatch-season-'), 'all-year-season.json');
    fs.writeFileSync(allYearRules, JSON.stringify({ season: { start: '07-01', end: '06-30' } }));
  }
  return { HEATWATCH_RULES_FILE: allYearRules };
}

export interface LogEntry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** `onLog` sees every log entry, debug and above: a test waits for what HeatWatch says it did. */
export async function startWorld(extraEnv: Record<string, string> = {}, { onLog }: { onLog?: (entry: LogEntry) => void } = {}): Promise<TestWorld> {
  const dataDir = tempDir();
  // The `postgres` project runs the same files with the relational data in PostgreSQL (a database per world).
  const database = process.env.HEATWATCH_TEST_DATABASE === 'postgres' ? { HEATWATCH_DATABASE_URL: await pgDatabase() } : {};
  const env = (more: Record<string, string>) => ({
    ...database,
    HEATWATCH_DATA_DIR: dataDir,
    HEATWATCH_HTTP_PORT: '0',
    HEATWATCH_MQTT_PORT: '0',
    HEATWATCH_HTTP_HOST: '127.0.0.1',
    HEATWATCH_MQTT_HOST: '127.0.0.1',
    HEATWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
    HEATWATCH_LOG_LEVEL: 'silent',
    ...extraEnv,
    ...more,
  });
  const logger = onLog
    ? pino({ level: 'debug' }, { write: (line: string) => onLog(JSON.parse(line) as LogEntry) })
    : pino({ level: process.env.HEATWATCH_TEST_LOG ?? 'silent' });
  let app = await startHeatWatch(loadConfig(env({})), { logger });
  const clients: MqttClient[] = [];

  const world: TestWorld = {
    app,
    dataDir,
    adminToken: '',
    api(method, url, body, token = world.adminToken) {
      return new HeatWatchClient(`http://127.0.0.1:${world.app.httpPort}`).request(method, url, body, { token });
    },
    async provision(device) {
      const res = await world.api<ProvisionedDevice>('POST', '/api/devices', {
        kind: 'room',
        name: `测温点 ${device.id}`,
        lat: 35.4,
        lng: 116.97,
        ...device,
      });
      if (res.status !== 201) throw new Error(`provisioning ${device.id} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async connect(device, opts = {}) {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${world.app.mqttPort}`, {
        username: device.mqtt.username,
        password: device.mqtt.password,
        reconnectPeriod: 0,
        ...opts,
      });
      clients.push(client);
      return client;
    },
    async restart(more = {}, whileDown) {
      await world.app.close();
      await whileDown?.();
      app = await startHeatWatch(loadConfig(env(more)), { logger });
      world.app = app;
      world.adminToken = await login();
    },
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      await world.app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };

  async function login(): Promise<string> {
    const res = await world.api<{ token: string }>('POST', '/api/login', { username: 'admin', password: ADMIN_PASSWORD }, null);
    if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
    return res.body.token;
  }
  world.adminToken = await login();
  return world;
}

/** Signs in on the dashboard in a real browser page, as a person would (admin by default). */
export async function signInOnDashboard(page: Page, world: TestWorld, username = 'admin', password = ADMIN_PASSWORD): Promise<void> {
  await page.goto(`http://127.0.0.1:${world.app.httpPort}/`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
}

/** Polls until `check` returns a value that is not undefined/false, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${ms} ms${last ? `: ${String(last)}` : ''}`);
}
