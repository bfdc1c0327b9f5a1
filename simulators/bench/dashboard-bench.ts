/**
 * The dashboard's figures (issue 5, DESIGN.md §8): how long after signing in the map shows every
 * device of a large fleet, in real Chromium; and how long a published reading takes to reach a
 * dashboard's socket while 2 000 readings/s flow through the same HeatWatch.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { io } from 'socket.io-client';
import type { ServerToClientEvents } from '../../ingest/contracts/events.ts';
import { launchChromium } from '../chromium.ts';

export interface DashboardTiming {
  devices: number;
  /** Submit on the login form → every device indexed and the map drawn. */
  loginToMapMs: number;
}

export async function measureMapAfterLogin(api: string, password: string, devices: number): Promise<DashboardTiming> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${api}/`);
    await page.locator('input[name=username]').fill('admin');
    await page.locator('input[name=password]').fill(password);
    const started = Date.now();
    await page.locator('button[type=submit]').click();
    await page.waitForFunction(
      (n) => {
        const map = document.querySelector('[data-testid=map]');
        return map !== null && Number(map.getAttribute('data-markers')) >= n && Number(map.getAttribute('data-drawn')) > 0;
      },
      devices,
      { timeout: 60_000, polling: 'raf' },
    );
    return { devices, loginToMapMs: Date.now() - started };
  } finally {
    await browser.close();
  }
}

export interface LatencyResult {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  backgroundPerSecond: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `background` devices publish batches of 10 readings, 2 000 readings/s in all; one more device
 * publishes single readings stamped with the wall clock; a socket.io client (what the dashboard
 * runs) notes when each arrives. Event time = publish time, so arrival − ts is the latency.
 */
export async function measureLiveLatency(o: {
  api: string;
  token: string;
  mqttUrl: string;
  background: { id: string; password: string }[];
  probe: { id: string; password: string };
  seconds: number;
}): Promise<LatencyResult> {
  const socket = io(o.api, { auth: { token: o.token }, transports: ['websocket'] });
  const arrivals: number[] = [];
  socket.on('reading', ((list) => {
    const now = Date.now();
    for (const r of list) if (r.deviceId === o.probe.id) arrivals.push(now - Date.parse(r.ts));
  }) satisfies ServerToClientEvents['reading']);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const connect = (d: { id: string; password: string }) => mqtt.connectAsync(o.mqttUrl, { username: d.id, password: d.password, reconnectPeriod: 0 });
  const clients: MqttClient[] = await Promise.all(o.background.map(connect));
  const probe = await connect(o.probe);
  const perDevicePerSecond = 2000 / clients.length;
  const batchesPerSecond = perDevicePerSecond / 10;
  const timers = clients.map((c, i) =>
    setInterval(() => {
      // 10 readings 1 ms apart, batches ≥ 50 ms apart: every (device, ts) is new.
      const base = Date.now();
      const batch = Array.from({ length: 10 }, (_, k) => ({ ts: base + k, temp: 20 + k / 10 }));
      void c.publishAsync(`heat/room/${o.background[i]!.id}/telemetry`, JSON.stringify(batch), { qos: 1 });
    }, 1000 / batchesPerSecond),
  );
  const started = Date.now();
  while (Date.now() - started < o.seconds * 1000) {
    await probe.publishAsync(`heat/room/${o.probe.id}/telemetry`, JSON.stringify({ ts: Date.now(), temp: 20.5 }), { qos: 1 });
    await sleep(50);
  }
  for (const t of timers) clearInterval(t);
  await sleep(500);
  await Promise.all([...clients, probe].map((c) => c.endAsync(true)));
  socket.close();
  const sorted = [...arrivals].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), backgroundPerSecond: 2000 };
}
