/**
 * The cluster run of `npm run bench` (issue 18): readings stored per second by one HeatWatch node,
 * then by two nodes sharing the work, in the same run, through the same external broker — a
 * Mosquitto of the bench's own, as docker-compose's `cluster` profile configures it — with
 * PostgreSQL (a server of the bench's own) and InfluxDB behind them, and Redis when the machine
 * has one (127.0.0.1:6379); and each node's resident memory after its run.
 *
 * Through a broker, the sensor's PUBACK is the broker's, which acknowledges faster than nodes
 * store: each run publishes a fixed amount (`CLUSTER_READINGS`, below the broker's queue limit —
 * past it Mosquitto drops what it acknowledged), and the figure is what the nodes stored per
 * second, from the first publish until they had stored every reading.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { HeatWatchClient } from '../heatwatch-client.ts';
import { residentMb, spawnHeatWatch, type HeatWatchProcess } from '../heatwatch-process.ts';
import { freePort, startInfluxd } from '../local-influxd.ts';
import { startPrivatePostgres } from '../local-postgres.ts';
import type { LoadJob, LoadResult } from './load-generator.ts';

/** Readings published in each run: under deploy/mosquitto's max_queued_messages (500 000). */
export const CLUSTER_READINGS = 200_000;

export interface ClusterRun {
  nodes: number;
  /** Acknowledged by the broker. */
  acked: number;
  stored: number;
  /** Stored per second, from the first publish until the last reading was stored. */
  rate: number;
  /** Each node's share of the readings. */
  shares: number[];
  /** Each node's resident memory after the run, MB. */
  rssMb: number[];
}

export interface ClusterBenchOptions {
  devices: number;
  window: number;
  startTs: number;
  /** What every HeatWatch the bench starts runs with (data dir, admin password, flood guard). */
  env: (dataDir: string, adminPassword: string) => Record<string, string>;
  runLoad: (job: LoadJob) => Promise<LoadResult>;
  track: (child: HeatWatchProcess['child']) => void;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Mosquitto of the bench's own on a free port, with the queue and in-flight settings of deploy/mosquitto. */
async function startMosquitto(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heatwatch-mosquitto-'));
  const shipped = fs.readFileSync(fileURLToPath(new URL('../../deploy/mosquitto/mosquitto.conf', import.meta.url)), 'utf8');
  // The shipped limits; the bench's own listener, anonymous sensors (no password file), no disk.
  const limits = shipped.split('\n').filter((line) => line.startsWith('max_'));
  fs.writeFileSync(path.join(dir, 'mosquitto.conf'), [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', ...limits].join('\n') + '\n');
  const child = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    if (await listening(port)) break;
    if (child.exitCode !== null || i > 100) throw new Error(`mosquitto did not start (apt-get install -y mosquitto): ${stderr.slice(-500)}`);
    await sleep(50);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether something answers on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

async function acceptedTotal(node: HeatWatchProcess): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${node.httpPort}/metrics`)).text();
  return Number(/heatwatch_readings_accepted_total\{kind="room"\} (\d+)/.exec(text)?.[1] ?? 0);
}

export async function benchCluster(o: ClusterBenchOptions): Promise<ClusterRun[]> {
  const mosquitto = await startMosquitto();
  const postgres = await startPrivatePostgres();
  const influxd = await startInfluxd();
  const redis = await listening(6379);
  o.log(`cluster: Mosquitto ${mosquitto.url}, PostgreSQL ${postgres.url}, influxd ${influxd.url}, Redis ${redis ? '127.0.0.1:6379' : 'none'}`);
  try {
    const runs: ClusterRun[] = [];
    for (const nodes of [1, 2]) runs.push(await clusterRun(o, nodes, { mqttUrl: mosquitto.url, postgresUrl: postgres.url, influxUrl: influxd.url, redis }));
    return runs;
  } finally {
    await influxd.stop();
    postgres.remove();
    await mosquitto.stop();
  }
}

async function clusterRun(o: ClusterBenchOptions, count: number, infra: { mqttUrl: string; postgresUrl: string; influxUrl: string; redis: boolean }): Promise<ClusterRun> {
  // A database, an InfluxDB database and a broker share group of this run's own.
  const name = `bench_cluster_${count}`;
  const admin = new pg.Client({ connectionString: infra.postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const databaseUrl = infra.postgresUrl.replace(/\/postgres$/, `/${name}`);
  const password = 'bench-cluster-admin-password';
  const dirs: string[] = [];
  const nodes: HeatWatchProcess[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heatwatch-bench-node-'));
      dirs.push(dataDir);
      const node = await spawnHeatWatch({
        ...o.env(dataDir, password),
        HEATWATCH_DATABASE_URL: databaseUrl,
        HEATWATCH_SECRETS_KEY: 'bench-cluster-secrets-key-0123456789-0123456789',
        HEATWATCH_ACK_LINK_SECRET: 'bench-cluster-ack-link-secret-0123456789-0123456789',
        HEATWATCH_MQTT_URL: infra.mqttUrl,
        HEATWATCH_MQTT_CLIENT_ID: `${name}-node-${i}`,
        HEATWATCH_MQTT_SHARE_GROUP: name,
        HEATWATCH_INFLUX_URL: infra.influxUrl,
        HEATWATCH_INFLUX_DB: name,
        ...(infra.redis ? { HEATWATCH_REDIS_URL: 'redis://127.0.0.1:6379', HEATWATCH_REDIS_KEY: `heatwatch-${name}-${process.pid}` } : {}),
      }, { compiled: true });
      o.track(node.child);
      nodes.push(node);
    }
    const client = await HeatWatchClient.login(`http://127.0.0.1:${nodes[0]!.httpPort}`, 'admin', password);
    const devices: LoadJob['devices'] = [];
    for (let i = 0; i < o.devices; i++) {
      const id = `BC-${String(i).padStart(5, '0')}`;
      await client.provision({ id, kind: 'room', name: `bench ${i}`, lat: 35.4, lng: 116.97, roomType: 'living' });
      devices.push({ id, kind: 'room' });
    }
    // Every node's view holds the devices (the others hear of them through LISTEN/NOTIFY).
    await sleep(1000);
    const before = await Promise.all(nodes.map(acceptedTotal));
    const started = performance.now();
    const perDevice = Math.ceil(CLUSTER_READINGS / devices.length);
    const load = await o.runLoad({ url: infra.mqttUrl, devices, seconds: 600, window: o.window, batch: 1, startTs: o.startTs, perDevice });
    // Until the nodes have stored what the broker acknowledged, or nothing moved for 10 s.
    let stored = 0;
    let shares: number[] = [];
    let storedAt = performance.now();
    for (let last = -1, still = performance.now(); performance.now() - still < 10_000; await sleep(100)) {
      shares = (await Promise.all(nodes.map(acceptedTotal))).map((n, i) => n - before[i]!);
      stored = shares.reduce((a, b) => a + b, 0);
      if (stored !== last) {
        last = stored;
        still = storedAt = performance.now();
      }
      if (stored >= load.readings) break;
    }
    const seconds = (storedAt - started) / 1000;
    const run: ClusterRun = { nodes: count, acked: load.readings, stored, rate: stored / seconds, shares, rssMb: nodes.map((n) => residentMb(n.child.pid!)) };
    o.log(`cluster, ${count} node(s): ${run.acked} acknowledged by Mosquitto, ${run.stored} stored (${run.shares.join(' + ')}) in ${seconds.toFixed(1)} s = ${Math.round(run.rate)} readings/s; resident ${run.rssMb.map((m) => `${m.toFixed(0)} MB`).join(', ')}`);
    return run;
  } finally {
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}
