/**
 * A local influxd (Debian's `influxdb` package, 1.6) for the tests and the bench: its own temp
 * dir, free ports, started from a config file. A missing binary is an error, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import os from 'node:os';

export interface Influxd {
  url: string;
  dir: string;
  /** SIGKILL: an outage, as abrupt as a crash. */
  kill(): Promise<void>;
  /** Starts again on the same data and ports. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function influxdBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v influxd'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('influxd is not installed: apt-get install -y influxdb (.ci/run does this)');
  return found;
}

/** With `auth`, HTTP authentication is on and an admin user `admin` / `auth` is created. */
export async function startInfluxd(options: { auth?: string } = {}): Promise<Influxd> {
  const binary = influxdBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heatwatch-influxd-'));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const config = path.join(dir, 'influxdb.conf');
  fs.writeFileSync(
    config,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  auth-enabled = ${options.auth ? 'true' : 'false'}
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[subscriber]
  enabled = false
`,
  );
  const url = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    child = spawn(binary, ['-config', config], { stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'influxd.log'), 'a')] });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`influxd exited with ${child.exitCode}: ${fs.readFileSync(path.join(dir, 'influxd.log'), 'utf8').slice(-2000)}`);
      const ok = await fetch(`${url}/ping`).then((r) => r.status === 204, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('influxd did not answer /ping within 20 s');
  }

  async function kill(): Promise<void> {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  await start();
  if (options.auth) {
    // InfluxDB 1.x lets the first admin user be created without credentials.
    const q = `CREATE USER "admin" WITH PASSWORD '${options.auth}' WITH ALL PRIVILEGES`;
    const res = await fetch(`${url}/query?q=${encodeURIComponent(q)}`, { method: 'POST' });
    if (!res.ok) throw new Error(`creating the influxd admin failed: ${res.status} ${await res.text()}`);
  }
  return {
    url,
    dir,
    kill,
    start,
    async stop() {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
