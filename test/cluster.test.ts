/**
 * Several nodes (issue 18, DESIGN.md §11): two HeatWatch processes on one PostgreSQL (a server of
 * the file's own), one Mosquitto (the machine's, 127.0.0.1:1883), one Redis and one influxd, as
 * a city would run them. Readings published to Mosquitto are shared out between the nodes and
 * stored once; a cold room opens one ticket, opened by the leader and seen on the other node's
 * dashboard, paged once; the leader killed, the other node leads within 10 s and pages the
 * next ticket, and nothing is paged twice; PostgreSQL stopped and started again, nothing sent
 * meanwhile is lost and the room that went cold meanwhile gets its ticket.
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceView } from '../ingest/contracts/devices.ts';
import type { LiveReading } from '../ingest/contracts/events.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { HeatWatchClient } from '../simulators/heatwatch-client.ts';
import { startInfluxd, type Influxd } from '../simulators/local-influxd.ts';
import { startReceiver } from './support/alerting-rig.ts';
import { eventually, heatingAllYear, tempDir } from './support/heatwatch.ts';
import { spawnHeatWatch, type HeatWatchProcess } from '../simulators/heatwatch-process.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../simulators/local-postgres.ts';

const MIN = 60_000;
const ADMIN_PASSWORD = 'cluster-admin-password';
const run = randomUUID().slice(0, 8);

let influxd: Influxd;
let postgres: PrivatePostgres;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let a: HeatWatchProcess;
let b: HeatWatchProcess;
let sensors: MqttClient;
let nodeEnv: (name: string) => Record<string, string>;
let aEnv: Record<string, string>;
const sockets: Socket[] = [];
const api = (node: HeatWatchProcess, token: string | null = null) => {
  const client = new HeatWatchClient(`http://127.0.0.1:${node.httpPort}`);
  return <T>(method: string, url: string, body?: unknown) => client.request<T>(method, url, body, { token });
};
let onA: ReturnType<typeof api>;
let onB: ReturnType<typeof api>;

async function login(node: HeatWatchProcess): Promise<string> {
  const res = await api(node)<{ token: string }>('POST', '/api/login', { username: 'admin', password: ADMIN_PASSWORD });
  expect(res.status).toBe(200);
  return res.body.token;
}

beforeAll(async () => {
  influxd = await startInfluxd();
  receiver = await startReceiver();
  // A server of the file's own: the last test stops and starts it under the running nodes.
  postgres = await startPrivatePostgres();
  const databaseUrl = postgres.url;
  const node = (name: string) => ({
    ...heatingAllYear(),
    HEATWATCH_DATA_DIR: tempDir(`heatwatch-${name}-`),
    HEATWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
    HEATWATCH_DATABASE_URL: databaseUrl,
    // Every node the same keys: the channels' secrets, the acknowledge links.
    HEATWATCH_SECRETS_KEY: `secrets-key-of-the-cluster-${run}-0123456789`,
    HEATWATCH_ACK_LINK_SECRET: `ack-link-secret-of-the-cluster-${run}-0123456789`,
    HEATWATCH_MQTT_URL: 'mqtt://127.0.0.1:1883',
    HEATWATCH_MQTT_CLIENT_ID: `heatwatch-${run}-${name}`,
    // A group of this run's own: other runs on the machine's Mosquitto take nothing of ours.
    HEATWATCH_MQTT_SHARE_GROUP: `hw${run}`,
    HEATWATCH_INFLUX_URL: influxd.url,
    HEATWATCH_INFLUX_DB: `cluster_${run}`,
    HEATWATCH_REDIS_URL: 'redis://127.0.0.1:6379',
    HEATWATCH_REDIS_KEY: `heatwatch-cluster-${run}`,
  });
  aEnv = node('a');
  a = await spawnHeatWatch(aEnv);
  b = await spawnHeatWatch(node('b'));
  nodeEnv = node;
  onA = api(a, await login(a));
  onB = api(b, await login(b));
  // Set up on A, read by B: one database.
  expect((await onA('PUT', '/api/alerting/channels/hook', { name: '抢修群', config: { type: 'webhook', url: `${receiver.url}/hook` } })).status).toBe(200);
  const every = [1, 2, 3, 4, 5, 6, 7];
  expect(
    (
      await onA('PUT', '/api/alerting/roster', {
        people: [{ id: 'zhang', name: '张工', mobile: '13800000001' }],
        teams: [{ id: 'east', name: '东区抢修班', substations: '*', channels: ['hook'] }],
        shifts: [{ team: 'east', person: 'zhang', role: 'engineer', weekdays: every, start: '00:00', end: '00:00' }],
      })
    ).status,
  ).toBe(200);
  // A cold room pages at once (by default 10 min after it opened, when nobody took it meanwhile).
  const policy = (await onA<{ types: Record<string, { pageAfterMin: number }> }>('GET', '/api/alerting/policy')).body;
  policy.types.room_temp_low!.pageAfterMin = 0;
  expect((await onA('PUT', '/api/alerting/policy', policy)).status).toBe(200);
  const station = `SS-${run}`;
  expect((await onA('POST', '/api/devices', { id: station, kind: 'substation', name: `换热站 ${station}`, lat: 35.4, lng: 116.97 })).status).toBe(201);
  for (const id of [1, 2, 3, 4].map((i) => `R-${run}-W${i}`).concat([`R-${run}-C1`, `R-${run}-C2`, `R-${run}-C3`])) {
    expect((await onA('POST', '/api/devices', { id, kind: 'room', roomType: 'bedroom', substationId: station, name: `测温点 ${id}`, lat: 35.4, lng: 116.97 })).status).toBe(201);
  }
  // The machine's Mosquitto lets anyone publish: it stands for a broker that authenticates the sensors.
  sensors = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { clientId: `sensors-${run}`, reconnectPeriod: 0 });
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await sensors?.endAsync();
  await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
  await receiver?.close();
  await influxd?.stop();
  postgres?.remove();
  // The sessions this run left at the machine's Mosquitto, ended (they would keep queueing).
  for (const clientId of [`heatwatch-${run}-a`, `heatwatch-${run}-b`, `hw${run}-rules`]) {
    const c = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { clientId, clean: true, protocolVersion: 5, properties: { sessionExpiryInterval: 0 }, reconnectPeriod: 0 });
    await c.endAsync();
  }
});

async function health(node: HeatWatchProcess): Promise<{ rulesLeader: boolean }> {
  // A node that died says why (its own log), not just "cannot reach".
  const { exitCode, signalCode } = node.child;
  if (exitCode !== null || signalCode !== null) throw new Error(`node exited (${exitCode ?? signalCode}):\n${node.output().slice(-4000)}`);
  return (await api(node)<{ rulesLeader: boolean }>('GET', '/api/health')).body;
}
/** Readings this node stored (its /metrics, read from loopback). */
async function stored(node: HeatWatchProcess): Promise<number> {
  const text = (await api(node)<string>('GET', '/metrics')).body;
  return Number(/heatwatch_readings_accepted_total\{kind="room"\} (\d+)/.exec(String(text))?.[1] ?? 0);
}
/** Room readings in InfluxDB matching `where` (InfluxQL). */
const influxCount = async (where: string): Promise<number> => {
  const q = `SELECT count("temp") FROM "room" WHERE ${where}`;
  const res = (await (await fetch(`${influxd.url}/query?db=cluster_${run}&q=${encodeURIComponent(q)}`)).json()) as { results: { series?: { values: [string, number][] }[] }[] };
  return res.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
};
const cold = (deviceId: string) =>
  sensors.publishAsync(`heat/room/${deviceId}/telemetry`, JSON.stringify(Array.from({ length: 9 }, (_, i) => ({ ts: Date.now() - 45 * MIN + i * 5 * MIN, temp: 16.5 }))), { qos: 1 });
const ticketsOf = async (on: ReturnType<typeof api>, deviceId: string) => (await on<{ tickets: Ticket[] }>('GET', `/api/tickets?deviceId=${deviceId}`)).body.tickets;
const pagesAbout = (deviceId: string) => receiver.received.filter((m) => JSON.stringify(m.body).includes(deviceId));

describe('two HeatWatch nodes on one PostgreSQL, one Mosquitto, one Redis', () => {
  it('has one rules leader: the node that started first', async () => {
    expect((await health(a)).rulesLeader).toBe(true);
    expect((await health(b)).rulesLeader).toBe(false);
  });

  it('refuses to start a node whose keys are not those of the nodes already on the database', async () => {
    const stray = spawnHeatWatch({ ...nodeEnv('stray'), HEATWATCH_SECRETS_KEY: 'another-secrets-key-0123456789-0123456789' });
    await expect(stray).rejects.toThrow(/HEATWATCH_SECRETS_KEY: not the key of the nodes already on this database/);
  });

  it('stores each reading published to the broker once, shared out between the nodes', async () => {
    const count = 200;
    for (let i = 0; i < count; i++) {
      const deviceId = `R-${run}-W${(i % 4) + 1}`;
      await sensors.publishAsync(`heat/room/${deviceId}/telemetry`, JSON.stringify({ ts: Date.now() - 30 * MIN + i * 1000, temp: 21 }), { qos: 1 });
    }
    await eventually(async () => (await influxCount(`"deviceId" =~ /^R-${run}-W/ AND "temp" = 21`)) === count, 30_000);
    await eventually(async () => (await stored(a)) + (await stored(b)) >= count, 10_000);
    const [byA, byB] = [await stored(a), await stored(b)];
    expect(byA + byB).toBe(count);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
  });

  it("shows every device's latest reading and connection on either node's device list and live, whichever node took them", async () => {
    // A dashboard on A only: B, with none of its own, still streams what it takes to A's.
    const socket = connectSocket(`http://127.0.0.1:${a.httpPort}`, { auth: { token: await login(a) }, transports: ['websocket'] });
    sockets.push(socket);
    // The newest by event time, as the dashboard keeps them: two nodes' pushes may cross.
    const live = new Map<string, LiveReading>();
    socket.on('reading', (batch: LiveReading[]) => batch.forEach((r) => (live.get(r.deviceId)?.ts ?? '') <= r.ts && live.set(r.deviceId, r)));
    await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));

    const rooms = [1, 2, 3, 4].map((i) => `R-${run}-W${i}`);
    for (const [i, deviceId] of rooms.entries()) {
      await sensors.publishAsync(`heat/room/${deviceId}/status`, 'online', { qos: 1 });
      // Each room's newest reading, and an older one after it (a late one): the newest stays.
      await sensors.publishAsync(`heat/room/${deviceId}/telemetry`, JSON.stringify({ ts: Date.now() - MIN, temp: 23 + i / 10 }), { qos: 1 });
      await sensors.publishAsync(`heat/room/${deviceId}/telemetry`, JSON.stringify({ ts: Date.now() - 10 * MIN, temp: 19 }), { qos: 1 });
    }
    const expected = rooms.map((id, i) => [id, true, 23 + i / 10]);
    for (const on of [onA, onB]) {
      await eventually(async () => {
        const { devices } = (await on<{ devices: DeviceView[] }>('GET', '/api/devices')).body;
        const shown = rooms.map((id) => devices.find((d) => d.id === id)).map((d) => [d?.id, d?.online, d?.lastReading?.values.temp]);
        return JSON.stringify(shown) === JSON.stringify(expected);
      }, 10_000);
    }
    await eventually(() => rooms.every((id, i) => live.get(id)?.values.temp === 23 + i / 10), 10_000);
  });

  it("opens one ticket for a cold room, on the leader's rules, seen live on the other node's dashboard, paged once", async () => {
    const socket = connectSocket(`http://127.0.0.1:${b.httpPort}`, { auth: { token: await login(b) }, transports: ['websocket'] });
    sockets.push(socket);
    const seenOnB: Ticket[] = [];
    socket.on('ticket', (t: Ticket) => seenOnB.push(t));
    await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));

    const room = `R-${run}-C1`;
    await cold(room);
    const ticket = await eventually(async () => (await ticketsOf(onB, room)).find((t) => t.type === 'room_temp_low'), 15_000);
    await eventually(() => seenOnB.some((t) => t.id === ticket.id), 10_000);
    await eventually(() => pagesAbout(room).length > 0, 10_000);
    expect(await ticketsOf(onA, room)).toHaveLength(1);
  });

  it('pages a ticket opened by hand on the node that does not lead, through the leader, once', async () => {
    expect((await health(b)).rulesLeader).toBe(false);
    const description = `楼道暖气管漏水 ${run}`;
    const res = await onB<Ticket>('POST', '/api/tickets', { type: 'leak', description, address: '幸福小区 3-2' });
    expect(res.status).toBe(201);
    await eventually(() => pagesAbout(res.body.id).length > 0, 10_000);
    expect(pagesAbout(res.body.id)).toHaveLength(1);
  });

  it('lets the other node lead within 10 s of the leader being killed; it opens and pages the next ticket, and pages nothing twice', async () => {
    const killedAt = Date.now();
    await a.kill('SIGKILL');
    await eventually(async () => (await health(b)).rulesLeader, 10_000);
    expect(Date.now() - killedAt).toBeLessThan(10_000);

    const room = `R-${run}-C2`;
    await cold(room);
    const ticket = await eventually(async () => (await ticketsOf(onB, room)).find((t) => t.type === 'room_temp_low'), 10_000);
    await eventually(() => pagesAbout(room).length > 0, 10_000);
    expect(ticket.status).toBe('open');
    // The new leader looked back over the last hour (the first cold room's readings with it):
    // the open episode was known, so no second ticket and no second page for it.
    expect(await ticketsOf(onB, `R-${run}-C1`)).toHaveLength(1);
    expect(pagesAbout(`R-${run}-C1`)).toHaveLength(1);
    expect(pagesAbout(room)).toHaveLength(1);
  });

  it('survives a PostgreSQL restart; the killed node, started again, takes what the broker kept for it: nothing is lost, the room that went cold meanwhile gets one ticket', async () => {
    postgres.stop();
    // Sensors are still acknowledged by the broker; B stores its share (InfluxDB and the outbox need
    // no PostgreSQL), the broker keeps A's share in A's persistent session (QoS 1).
    for (let i = 0; i < 50; i++) {
      await sensors.publishAsync(`heat/room/R-${run}-W1/telemetry`, JSON.stringify({ ts: Date.now() - 20 * MIN + i * 1000, temp: 22 }), { qos: 1 });
    }
    const room = `R-${run}-C3`;
    await cold(room);
    await eventually(async () => !(await health(b)).rulesLeader, 15_000);

    postgres.start();
    a = await spawnHeatWatch(aEnv);
    await eventually(async () => (await influxCount(`"deviceId" = 'R-${run}-W1' AND "temp" = 22`)) === 50, 30_000);
    // A leader again (either node), which looks back over the last hour and finds the cold room.
    await eventually(async () => (await health(a)).rulesLeader !== (await health(b)).rulesLeader, 15_000);
    const ticket = await eventually(async () => (await ticketsOf(onB, room)).find((t) => t.type === 'room_temp_low'), 15_000);
    await eventually(() => pagesAbout(room).length > 0, 10_000);
    expect(ticket.status).toBe('open');
    expect(await ticketsOf(onB, room)).toHaveLength(1);
    expect(pagesAbout(room)).toHaveLength(1);
    expect(pagesAbout(`R-${run}-C1`)).toHaveLength(1);
    expect(pagesAbout(`R-${run}-C2`)).toHaveLength(1);
    // Logins and the API work again on the node that lived through it (its pool reconnected).
    expect((await onB('GET', '/api/tickets?limit=5')).status).toBe(200);
    await login(b);
  }, 90_000);
});
