/**
 * `npm run bench`: end-to-end ingest throughput of HeatWatch against the bare aedes relay
 * measured in the same run on the same machine (DESIGN.md §8), and memory per 10 000 devices.
 * Server, load generator and baseline broker each run in their own process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import type { LoadJob, LoadResult } from './load-generator.ts';
import { HeatWatchClient } from '../heatwatch-client.ts';
import { buildServer } from '../../scripts/build.ts';
import { residentMb, spawnHeatWatch, START_NODE_ARGS } from '../heatwatch-process.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const HELP = `Usage: npm run bench -- [options]

Measures QoS 1 readings/s stored end to end by HeatWatch (embedded broker + SQLite), as a
ratio to what bare aedes relays in the same run, and resident memory per 10 000 devices.

  --devices N          publishing devices (default 100)
  --seconds S          length of each throughput run (default 10)
  --window W           QoS 1 messages in flight per device (default 10)
  --memory-devices N   devices provisioned and connected for the memory figure, then shown on
                       the dashboard's map in Chromium (default 10000; 0 skips both)
  --no-influx          skip the InfluxDB runs (they need Debian's influxd)
  --report-rooms N     rooms in the monthly report run (default 10000; 0 skips it)
  --start-devices N    start the compiled server on a data dir with N registered devices and take
                       its start time and memory (default 100000; 0 skips it)
  --no-flood           skip the flood case (100 substation controllers publishing as fast as TCP
                       allows beside 1 000 sensors sending a reading a second, the shipped guard)
  --no-cluster         skip the cluster runs (one node, then two, through a Mosquitto of the
                       bench's own with PostgreSQL and InfluxDB; they need Debian's mosquitto,
                       postgresql and influxdb)
  --no-write           do not update docs/benchmarks.md
  --json FILE          also write every figure to FILE as JSON (for CI trend files)
  --profile            write a CPU profile of the server to .bench/ (open in Chrome DevTools)
  --help               this text`;

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    window: { type: 'string', default: '10' },
    'memory-devices': { type: 'string', default: '10000' },
    'no-write': { type: 'boolean', default: false },
    json: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'no-influx': { type: 'boolean', default: false },
    'report-rooms': { type: 'string', default: '10000' },
    'no-cluster': { type: 'boolean', default: false },
    'no-flood': { type: 'boolean', default: false },
    'start-devices': { type: 'string', default: '100000' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const num = (name: keyof typeof args, min: number) => {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${name} must be a whole number ≥ ${min}\n\n${HELP}`);
    process.exit(2);
  }
  return v;
};
const DEVICES = num('devices', 1);
const SECONDS = num('seconds', 1);
const WINDOW = num('window', 1);
const MEMORY_DEVICES = num('memory-devices', 0);

const log = (line: string) => console.log(`[bench] ${line}`);
/** How this run was asked for: the table and the JSON carry it, to run it again. */
const COMMAND = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
const FLOOD_CALM = 1000;
const FLOOD_FLOODERS = 100;

// Children die with the bench, however it ends.
const children = new Set<ChildProcess>();
const track = (child: ChildProcess) => {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
};
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

function forkTs(file: string): ChildProcess {
  return track(fork(path.join(here, file), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}

function nextMessage<T>(child: ChildProcess, type?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: T & { type?: string }) => {
      if (type && msg.type !== type) return;
      child.off('message', onMessage);
      resolve(msg);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`${child.spawnfile} exited with ${code}`)));
  });
}

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const gen = forkTs('load-generator.ts');
  gen.send({ type: 'run', job });
  const { result } = await nextMessage<{ result: LoadResult }>(gen, 'result');
  gen.kill();
  return result;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Readings are a second apart, in order per device, from a start 6 days back: every one is new
 * to the store and to the rules, as in the field. Runs on the same devices use later windows,
 * all inside the 7 days a reading may be late.
 */
const SIX_DAYS_AGO = Date.now() - 6 * 24 * 3_600_000;

// ── 1. Baseline: bare aedes relaying QoS 1 from the same publishers to one subscriber ──────────
async function baseline(): Promise<number> {
  const broker = forkTs('bare-broker.ts');
  const { port } = await nextMessage<{ port: number }>(broker);
  const url = `mqtt://127.0.0.1:${port}`;
  const sub = await mqtt.connectAsync(url, { clientId: 'bench-subscriber' });
  let received = 0;
  sub.on('message', () => received++);
  await sub.subscribeAsync('heat/#', { qos: 1 });
  const devices = Array.from({ length: DEVICES }, (_, i) => ({ id: `B-${i}`, kind: 'room' as const }));
  const result = await runLoad({ url, devices, seconds: SECONDS, window: WINDOW, batch: 1, startTs: SIX_DAYS_AGO });
  await sleep(500);
  await sub.endAsync(true);
  broker.kill();
  const rate = received / result.seconds;
  log(`bare aedes relay: ${received} delivered in ${result.seconds.toFixed(1)} s = ${Math.round(rate)} msg/s`);
  return rate;
}

const profileArgs = args.profile ? ['--cpu-prof', '--cpu-prof-dir', path.join(root, '.bench')] : [];

/** What every HeatWatch the bench starts runs with. */
function benchEnv(dataDir: string, adminPassword: string): Record<string, string> {
  return {
    HEATWATCH_DATA_DIR: dataDir,
    HEATWATCH_ADMIN_PASSWORD: adminPassword,
    // Bench publishers are steady but fast: lift the per-device flood guard.
    HEATWATCH_DEVICE_MSG_RATE: '1000000',
    HEATWATCH_DEVICE_MSG_BURST: '1000000',
  };
}

/** Spawn → the listening line, on an empty data dir, the median of three. */
async function startTime(tsx: boolean): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const server = await startServer({}, { tsx });
    times.push(performance.now() - started);
    await server.stop();
  }
  return times.sort((a, b) => a - b)[1]!;
}

// ── 2. HeatWatch in its own process ────────────────────────────────────────────────────────────
interface Server {
  child: ChildProcess;
  api: string;
  /** Signed in as the admin. */
  client: HeatWatchClient;
  mqttUrl: string;
  token: string;
  /** The admin's, for signing in to the dashboard. */
  password: string;
  stop(): Promise<void>;
}

/** The compiled server, as production runs it (`npm start`); `tsx`: from the sources, as in development. */
async function startServer(extraEnv: Record<string, string> = {}, { tsx = false } = {}): Promise<Server> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heatwatch-bench-'));
  const password = randomBytes(12).toString('hex');
  const node = await spawnHeatWatch({ ...benchEnv(dataDir, password), ...extraEnv }, { nodeArgs: profileArgs, compiled: !tsx });
  track(node.child);
  const api = `http://127.0.0.1:${node.httpPort}`;
  const client = await HeatWatchClient.login(api, 'admin', password);
  return {
    child: node.child,
    api,
    client,
    token: client.token!,
    mqttUrl: `mqtt://127.0.0.1:${node.mqttPort}`,
    password,
    async stop() {
      await node.kill('SIGTERM');
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function provision(server: Server, from: number, to: number): Promise<{ id: string; kind: 'room'; password: string }[]> {
  const out: { id: string; kind: 'room'; password: string }[] = [];
  const started = Date.now();
  let next = from;
  async function worker() {
    while (next < to) {
      const i = next++;
      const id = `BR-${String(i).padStart(6, '0')}`;
      const created = await server.client.provision({ id, kind: 'room', name: `bench ${i}`, lat: 35.4 + (i % 100) / 1000, lng: 116.97 + (i % 97) / 1000, roomType: 'living' });
      out.push({ id, kind: 'room', password: created.mqtt.password });
      if (out.length % 2000 === 0) log(`provisioned ${out.length} / ${to - from}`);
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker));
  log(`provisioned ${out.length} devices in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

async function acceptedTotal(server: Server): Promise<number> {
  const text = await (await fetch(`${server.api}/metrics`)).text();
  return Number(/heatwatch_readings_accepted_total\{kind="room"\} (\d+)/.exec(text)?.[1] ?? 0);
}

/** The floor: what the bare aedes relay holds per idle connection, the same devices held the same way. */
async function bareConnectionKb(count: number): Promise<number> {
  const broker = forkTs('bare-broker.ts');
  const { port } = await nextMessage<{ port: number }>(broker);
  await sleep(1000);
  const before = residentMb(broker.pid!);
  const gen = forkTs('load-generator.ts');
  const devices = Array.from({ length: count }, (_, i) => ({ id: `BC-${i}`, kind: 'room' as const }));
  gen.send({ type: 'hold', job: { url: `mqtt://127.0.0.1:${port}`, devices, seconds: 0, window: 0, batch: 1, startTs: 0 } });
  const held = await nextMessage<{ connected: number }>(gen, 'connected');
  await sleep(2000);
  const kb = ((residentMb(broker.pid!) - before) * 1024) / held.connected;
  gen.kill();
  broker.kill();
  log(`bare aedes: ${held.connected} idle connections, ${kb.toFixed(1)} KB each`);
  return kb;
}

async function measureMemory(server: Server): Promise<{ empty: number; registered: number; connected: number; devices: { id: string; password: string }[] } | null> {
  if (MEMORY_DEVICES === 0) return null;
  await sleep(1000);
  const empty = residentMb(server.child.pid!);
  const devices = await provision(server, 0, MEMORY_DEVICES);
  await sleep(2000);
  const registered = residentMb(server.child.pid!);
  const gen = forkTs('load-generator.ts');
  gen.send({ type: 'hold', job: { url: server.mqttUrl, devices, seconds: 0, window: 0, batch: 1, startTs: 0 } });
  const held = await nextMessage<{ connected: number; failed: number }>(gen, 'connected');
  await sleep(2000);
  const connected = residentMb(server.child.pid!);
  log(`memory: empty ${empty.toFixed(0)} MB, ${MEMORY_DEVICES} registered ${registered.toFixed(0)} MB, ${held.connected} connected ${connected.toFixed(0)} MB (${held.failed} failed)`);
  gen.send({ type: 'release' });
  await nextMessage(gen, 'released');
  gen.kill();
  return { empty, registered, connected, devices };
}

/** With the memory run's devices registered: the map after login, and live latency under load. */
async function measureDashboard(server: Server, devices: { id: string; password: string }[]) {
  const { measureLiveLatency, measureMapAfterLogin } = await import('./dashboard-bench.ts');
  const map = await measureMapAfterLogin(server.api, server.password, devices.length);
  log(`dashboard: ${map.devices} devices on the map ${map.loginToMapMs} ms after signing in`);
  const latency = await measureLiveLatency({ api: server.api, token: server.token, mqttUrl: server.mqttUrl, background: devices.slice(0, 20), probe: devices[20]!, seconds: 10 });
  log(`live: publish → socket.io p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms over ${latency.samples} readings with ${latency.backgroundPerSecond} readings/s beside`);
  return { map, latency };
}

/** Readings stored per second over a run; `peakMb`: the server's largest resident set during it (sampled every 200 ms). */
async function throughput(server: Server, devices: LoadJob['devices'], batch: number, startTs = SIX_DAYS_AGO, window = WINDOW): Promise<{ rate: number; acked: number; stored: number; peakMb: number }> {
  const before = await acceptedTotal(server);
  let peakMb = residentMb(server.child.pid!);
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, residentMb(server.child.pid!))), 200);
  const result = await runLoad({ url: server.mqttUrl, devices, seconds: SECONDS, window, batch, startTs }).finally(() => clearInterval(sampler));
  await sleep(500);
  const stored = (await acceptedTotal(server)) - before;
  const rate = stored / result.seconds;
  log(`HeatWatch, ${batch} reading(s)/message, ${window} in flight: ${result.readings} acknowledged, ${stored} stored in ${result.seconds.toFixed(1)} s = ${Math.round(rate)} readings/s, at most ${Math.round(peakMb)} MB resident`);
  return { rate, acked: result.readings, stored, peakMb };
}

// ── 2b. Floods: 100 controllers gone wrong beside 1 000 calm sensors, the flood guard as shipped ──
interface FloodCase {
  calm: number;
  flooders: number;
  result: import('./load-generator.ts').FloodResult;
  /** Calm readings acknowledged but not stored. */
  lost: number;
  cutOffs: number;
}

async function floodCase(): Promise<FloodCase> {
  // The shipped flood guard (20 msg/s, burst 500), not the bench's lifted one.
  const server = await startServer({ HEATWATCH_DEVICE_MSG_RATE: '20', HEATWATCH_DEVICE_MSG_BURST: '500' });
  const make = async (prefix: string, count: number, kind: 'room' | 'substation') => {
    const out: { id: string; password: string }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const id = `${prefix}-${String(next++).padStart(4, '0')}`;
        const created = await server.client.provision({ id, kind, name: id, lat: 35.4, lng: 116.97, ...(kind === 'room' ? { roomType: 'living' as const } : {}) });
        out.push({ id, password: created.mqtt.password });
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    return out;
  };
  const calm = await make('FC', FLOOD_CALM, 'room');
  const flooders = await make('FF', FLOOD_FLOODERS, 'substation');
  const before = await acceptedTotal(server);
  const rejectedBefore = await rateLimited(server);
  // The calm sensors in a process of their own: their latencies are not the flooders' generator's backlog.
  const [calmRun, floodRun] = await Promise.all(
    [
      { calm, flooders: [] },
      { calm: [], flooders },
    ].map(async (part) => {
      const gen = forkTs('load-generator.ts');
      gen.send({ type: 'flood', job: { url: server.mqttUrl, seconds: SECONDS, calmEveryMs: 1000, ...part } });
      const { result } = await nextMessage<{ result: FloodCase['result'] }>(gen, 'result');
      gen.kill();
      return result;
    }),
  );
  const result = { ...calmRun!, flooderMessages: floodRun!.flooderMessages, flooderConnects: floodRun!.flooderConnects, flooderRefused: floodRun!.flooderRefused };
  await sleep(500);
  const stored = (await acceptedTotal(server)) - before;
  const cutOffs = (await rateLimited(server)) - rejectedBefore;
  await server.stop();
  const run: FloodCase = { calm: FLOOD_CALM, flooders: FLOOD_FLOODERS, result, lost: result.calmAcked - stored, cutOffs };
  log(
    `flood: ${FLOOD_FLOODERS} flooders sent ${result.flooderMessages} messages over ${result.flooderConnects} connections (${result.flooderRefused} CONNECTs refused, ${cutOffs} refusals counted); ${FLOOD_CALM} calm sensors: ${result.calmAcked} of ${result.calmSent} acknowledged, PUBACK p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms; ${stored} stored`,
  );
  return run;
}

async function rateLimited(server: Server): Promise<number> {
  const text = await (await fetch(`${server.api}/metrics`)).text();
  return Number(/heatwatch_readings_rejected_total\{reason="rate_limited"\} (\d+)/.exec(text)?.[1] ?? 0);
}

// ── 3. InfluxDB (Debian's influxd 1.6 here): with the durable outbox, and without ──────────────
interface InfluxRun {
  outbox: boolean;
  acked: number;
  ackRate: number;
  /** Readings in InfluxDB per second, from the first publish until the outbox was empty. */
  deliveredRate: number;
}

async function backlogOf(server: Server): Promise<number> {
  const h = (await (await fetch(`${server.api}/api/health`)).json()) as { store: { backlog: number } };
  return h.store.backlog;
}

async function influxRun(url: string, outbox: boolean): Promise<InfluxRun> {
  const server = await startServer({ HEATWATCH_INFLUX_URL: url, HEATWATCH_INFLUX_DB: outbox ? 'bench_outbox' : 'bench_direct', HEATWATCH_INFLUX_OUTBOX: outbox ? 'on' : 'off' });
  const devices = await provision(server, 0, DEVICES);
  const started = performance.now();
  const run = await throughput(server, devices, 1);
  while ((await backlogOf(server)) > 0) await sleep(100);
  const seconds = (performance.now() - started) / 1000;
  await server.stop();
  const result = { outbox, acked: run.acked, ackRate: run.rate, deliveredRate: run.stored / seconds };
  log(`InfluxDB, outbox ${outbox ? 'on' : 'off'}: ${Math.round(result.ackRate)} readings/s acknowledged, ${Math.round(result.deliveredRate)} readings/s in InfluxDB including the drain`);
  return result;
}

async function influxRuns(): Promise<InfluxRun[]> {
  if (args['no-influx']) return [];
  const { startInfluxd } = await import('../local-influxd.ts');
  const influxd = await startInfluxd();
  try {
    return [await influxRun(influxd.url, true), await influxRun(influxd.url, false)];
  } finally {
    await influxd.stop();
  }
}

// Production runs the compiled server: build it when missing or stale, as `npm start` does.
buildServer({ log });
const starts = { compiled: await startTime(false), tsx: await startTime(true) };
log(`start (spawn → listening, empty data dir, median of 3): compiled ${Math.round(starts.compiled)} ms, tsx ${Math.round(starts.tsx)} ms`);
const START_DEVICES = num('start-devices', 0);
const bigStart =
  START_DEVICES > 0 ? await (await import('./start-bench.ts')).benchStartWithDevices({ devices: START_DEVICES, env: benchEnv, track: (child) => void track(child) }) : null;
if (bigStart) log(`start with ${bigStart.devices} registered devices: ${Math.round(bigStart.startMs)} ms to listening, ${Math.round(bigStart.rssMb)} MB resident`);
const bare = await baseline();
const server = await startServer();
const memory = await measureMemory(server);
const bareKb = memory ? await bareConnectionKb(MEMORY_DEVICES) : null;
const dashboard = memory ? await measureDashboard(server, memory.devices) : null;
const devices = await provision(server, MEMORY_DEVICES, MEMORY_DEVICES + DEVICES);
const { prepareAlertProbe } = await import('./alerting-bench.ts');
const probe = await prepareAlertProbe({ api: server.client, mqttUrl: server.mqttUrl, count: 20 });
const single = await throughput(server, devices, 1);
// Issue 19's case: the same with 50 messages in flight per device (the next hours of each device's series).
const wide = WINDOW === 50 ? null : await throughput(server, devices, 1, SIX_DAYS_AGO + 4 * 3_600_000, 50);
// After the first run's hour or so of timestamps: the batched run continues each device's series,
// with pipe bursts on 20 substations of their own paging a webhook meanwhile.
const [batched, alerts] = await Promise.all([throughput(server, devices, 10, SIX_DAYS_AGO + 12 * 3_600_000), probe.run(Math.max(100, (SECONDS * 1000 * 0.8) / 20))]);
log(`alerting under load: burst → page p50 ${alerts.p50Ms} ms, p99 ${alerts.p99Ms} ms, max ${alerts.maxMs} ms over ${alerts.samples} bursts`);
await server.stop();
const flood = args['no-flood'] ? null : await floodCase();
// The same single-reading run from the sources through tsx, as in development.
const fromSources = await startServer({}, { tsx: true });
const tsxRun = await throughput(fromSources, await provision(fromSources, 0, DEVICES), 1);
await fromSources.stop();
const influx = await influxRuns();
const { benchCluster, CLUSTER_READINGS } = await import('./cluster-bench.ts');
const cluster = args['no-cluster']
  ? []
  : await benchCluster({
      devices: DEVICES,
      window: WINDOW,
      startTs: SIX_DAYS_AGO,
      env: benchEnv,
      runLoad,
      track: (child) => void track(child),
      log,
    });
const { measureRulesCost, measureRulesCostFastDevices } = await import('./rules-cost.ts');
const rulesCost = measureRulesCost();
const fastCost = measureRulesCostFastDevices();
const lateCost = measureRulesCostFastDevices(100, 3, 'late');
const reportRooms = Number(args['report-rooms']);
const report = reportRooms > 0 ? await (await import('./report-bench.ts')).benchMonthlyReport({ rooms: reportRooms, log }) : null;
const batchedUs = 1e6 / batched.rate;
const ingestUs = 1e6 / single.rate;
log(`rules: ${rulesCost.usPerReading.toFixed(2)} µs per reading over ${rulesCost.readings} readings = ${((100 * rulesCost.usPerReading) / ingestUs).toFixed(1)} % of the ${ingestUs.toFixed(1)} µs a reading costs end to end`);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const lost = single.acked - single.stored + (wide ? wide.acked - wide.stored : 0) + (batched.acked - batched.stored) + (tsxRun.acked - tsxRun.stored) + (flood?.lost ?? 0) + cluster.reduce((n, r) => n + r.acked - r.stored, 0);
const rows = [
  `| bare aedes 1.2 relay, QoS 1, ${DEVICES} publishers → 1 subscriber | ${Math.round(bare)} msg/s | 1.00× |`,
  `| HeatWatch end to end, QoS 1, 1 reading/message (validated, stored in SQLite before PUBACK; at most ${Math.round(single.peakMb)} MB resident) | ${Math.round(single.rate)} readings/s | ${(single.rate / bare).toFixed(2)}× |`,
  ...(wide
    ? [`| the same with 50 messages in flight per device (issue 19's case; at most ${Math.round(wide.peakMb)} MB resident) | ${Math.round(wide.rate)} readings/s | ${(wide.rate / bare).toFixed(2)}× |`]
    : []),
  `| HeatWatch end to end, QoS 1, 10 readings/message (store-and-forward batches) | ${Math.round(batched.rate)} readings/s | ${(batched.rate / bare).toFixed(2)}× |`,
  `| the 1-reading run from the sources through tsx (development), not compiled | ${Math.round(tsxRun.rate)} readings/s | ${(tsxRun.rate / bare).toFixed(2)}× |`,
  ...influx.map((r) =>
    r.outbox
      ? `| HeatWatch → InfluxDB 1.6 with the durable outbox, 1 reading/message: acknowledged (on disk) / landed in InfluxDB incl. drain | ${Math.round(r.ackRate)} / ${Math.round(r.deliveredRate)} readings/s | ${(r.ackRate / bare).toFixed(2)}× |`
      : `| HeatWatch → InfluxDB 1.6 without the outbox (PUBACK after InfluxDB answered), 1 reading/message | ${Math.round(r.ackRate)} readings/s | ${(r.ackRate / bare).toFixed(2)}× |`,
  ),
];
const memoryRows = memory
  ? [
      `| HeatWatch process, no devices | ${memory.empty.toFixed(0)} MB |`,
      `| + ${MEMORY_DEVICES} devices registered | ${memory.registered.toFixed(0)} MB (+${(((memory.registered - memory.empty) * 10_000) / MEMORY_DEVICES).toFixed(0)} MB per 10 000) |`,
      `| + ${MEMORY_DEVICES} devices connected over MQTT | ${memory.connected.toFixed(0)} MB (+${(((memory.connected - memory.empty) * 10_000) / MEMORY_DEVICES).toFixed(0)} MB per 10 000; the connections alone ${(((memory.connected - memory.registered) * 1024) / MEMORY_DEVICES).toFixed(1)} KB each) |`,
      `| bare aedes 1.2 relay, ${MEMORY_DEVICES} idle connections (the floor: aedes' client, parser and the socket) | ${bareKb!.toFixed(1)} KB each |`,
    ]
  : [];
const table = [
  `Run ${new Date().toISOString().slice(0, 16)}Z on ${os.cpus().length} × ${cpu}, Node ${process.version}: ${DEVICES} devices, ${WINDOW} QoS 1 messages in flight each, ${SECONDS} s per run. Acknowledged but not stored: ${lost}. Command: \`${COMMAND}\`.`,
  '',
  `Start, spawn → listening on an empty data dir (median of 3): compiled ${Math.round(starts.compiled)} ms, from the sources through tsx ${Math.round(starts.tsx)} ms${bigStart ? `; with ${bigStart.devices} registered devices ${Math.round(bigStart.startMs)} ms and ${Math.round(bigStart.rssMb)} MB resident once listening (target < 5 s, < 500 MB)` : ''}. HeatWatch runs compiled as \`npm start\` runs it (\`node ${START_NODE_ARGS.join(' ')} build/ingest/main.js\`) except where marked.`,
  '',
  '| what | rate | vs bare aedes |',
  '|---|---|---|',
  ...rows,
  '',
  `Rules engine (pure core, one process; target ≤ 10 % of the ingest cost per reading): field load (10 000 rooms every 15 min) ${rulesCost.usPerReading.toFixed(2)} µs per reading = ${((100 * rulesCost.usPerReading) / ingestUs).toFixed(1)} % of the ${ingestUs.toFixed(1)} µs of a 1-reading message, ${((100 * rulesCost.usPerReading) / batchedUs).toFixed(1)} % of the ${batchedUs.toFixed(1)} µs of a reading in a 10-reading message; 100 devices at 1 reading/s ${fastCost.usPerReading.toFixed(2)} µs; the same with every other batch late ${lateCost.usPerReading.toFixed(2)} µs.`,
  ...(flood
    ? [
        '',
        `Flood (the guard as shipped: 20 msg/s, burst 500, hold-off after a cut-off): ${flood.flooders} substation controllers publishing QoS 1 as fast as TCP allows and reconnecting at once when cut off — ${flood.result.flooderMessages} messages over ${flood.result.flooderConnects} connections, ${flood.result.flooderRefused} CONNECTs refused while held off, ${flood.cutOffs} refusals counted — beside ${flood.calm} room sensors sending a reading a second: ${flood.result.calmAcked} of ${flood.result.calmSent} acknowledged, PUBACK p50 ${flood.result.p50Ms} ms, p99 ${flood.result.p99Ms} ms, max ${flood.result.maxMs} ms (target p99 < 1 000 ms); ${flood.lost === 0 ? 'every acknowledged reading stored' : `${flood.lost} acknowledged readings not stored`}.`,
      ]
    : []),
  ...(memoryRows.length ? ['', '| memory (resident) | |', '|---|---|', ...memoryRows] : []),
  ...(cluster.length
    ? [
        '',
        `Several nodes (issue 18), through a Mosquitto 2 with deploy/mosquitto's limits, PostgreSQL and InfluxDB 1.6 (outbox on), Redis for live events, all on this one machine: ${CLUSTER_READINGS} readings published by ${DEVICES} sensors as fast as the broker takes them, stored per second from the first publish until the last was stored.`,
        '',
        '| nodes | stored | readings/s | share of each node | resident memory per node |',
        '|---|---|---|---|---|',
        ...cluster.map((r) => `| ${r.nodes} | ${r.stored} of ${r.acked} | ${Math.round(r.rate)} (${(r.rate / cluster[0]!.rate).toFixed(2)}×) | ${r.shares.join(' / ')} | ${r.rssMb.map((m) => `${m.toFixed(0)} MB`).join(' / ')} |`),
      ]
    : []),
  ...(report
    ? [
        '',
        `Monthly report (GET /api/reports for a December, SQLite): ${report.rooms} rooms × 31 days at one reading per 15 min (${report.readings} readings): ${report.reportSeconds.toFixed(2)} s with the days kept as the nightly judging leaves them (target < 5 s); the first report, computing every room-day from the readings, ${report.coldSeconds.toFixed(2)} s.`,
      ]
    : []),
  '',
  `Alerting under load (the 10-readings/message run): pipe burst published → page received by the on-duty team's webhook: p50 ${alerts.p50Ms} ms, p99 ${alerts.p99Ms} ms over ${alerts.samples} bursts (target p99 < 1 000 ms).`,
  ...(dashboard
    ? [
        '',
        `Dashboard (headless Chromium, 1440×900): ${dashboard.map.devices} devices on the map ${dashboard.map.loginToMapMs} ms after signing in (target < 2 000 ms). Publish → dashboard socket at ${dashboard.latency.backgroundPerSecond} readings/s: p50 ${dashboard.latency.p50Ms} ms, p99 ${dashboard.latency.p99Ms} ms over ${dashboard.latency.samples} readings (target p99 < 100 ms).`,
      ]
    : []),
].join('\n');
console.log(`\n${table}\n`);

if (args.json) {
  const figures = {
    at: new Date().toISOString(),
    command: COMMAND,
    machine: { cpus: os.cpus().length, cpu, node: process.version },
    settings: { devices: DEVICES, window: WINDOW, seconds: SECONDS },
    lostReadings: lost,
    startMs: starts,
    startWithDevices: bigStart,
    bareRelayMsgPerSec: bare,
    ingest: { single, single50InFlight: wide, batched, tsxSingle: tsxRun },
    influx,
    cluster,
    flood,
    rulesUsPerReading: { field: rulesCost.usPerReading, fast: fastCost.usPerReading, fastLate: lateCost.usPerReading },
    memory: memory && { emptyMb: memory.empty, registeredMb: memory.registered, connectedMb: memory.connected, devices: MEMORY_DEVICES, bareAedesKbPerConnection: bareKb },
    report,
    alerts,
    dashboard,
  };
  fs.writeFileSync(args.json, `${JSON.stringify(figures, null, 2)}\n`);
  log(`wrote ${args.json}`);
}

if (!args['no-write']) {
  const file = path.join(root, 'docs/benchmarks.md');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${start}\n${end}\n`;
  const [head, rest] = doc.split(start);
  const tail = rest?.split(end)[1] ?? '';
  fs.writeFileSync(file, `${head}${start}\n${table}\n${end}${tail}`);
  log(`updated ${path.relative(root, file)}`);
}
if (lost !== 0) {
  console.error(`[bench] ${lost} acknowledged readings were not stored`);
  process.exit(1);
}
