/**
 * `npm run sim -- --url …` against a running HeatWatch that already has a fleet (the demo's):
 * it finds the broker through HeatWatch, provisions its own prefixed devices, and the two fleets
 * stay connected side by side. The password never goes on the command line.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFleet, type RunningFleet } from '../simulators/fleet-runner.ts';
import { ADMIN_PASSWORD, eventually, startWorld, tempDir, type TestWorld } from './support/heatwatch.ts';

const CLI = path.join(import.meta.dirname, '..', 'simulators', 'cli.ts');

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Starts the CLI; `done` is its end, `onLine` sees stdout as it comes. */
function startSim(args: string[], env: Record<string, string | undefined>, onLine: (line: string) => void = () => undefined) {
  let child!: ChildProcessByStdio<null, Readable, Readable>;
  const done = new Promise<Run>((resolve, reject) => {
    child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, HEATWATCH_ADMIN_PASSWORD: undefined, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of d.toString().split('\n').filter(Boolean)) onLine(line);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
  return { child, done };
}

const sim = (args: string[], env: Record<string, string | undefined>) => startSim(args, env).done;

describe('npm run sim against a running HeatWatch', () => {
  let world: TestWorld;
  let demoFleet: RunningFleet;
  let dir: string;
  const url = () => `http://127.0.0.1:${world.app.httpPort}`;
  const connected = async () => (await world.api<{ mqtt: { devicesConnected: number } }>('GET', '/api/health', undefined, null)).body.mqtt.devicesConnected;

  beforeAll(async () => {
    world = await startWorld();
    dir = tempDir('heatwatch-sim-cli-');
    // The demo's own fleet, unprefixed, with its broker found through HeatWatch (no mqttUrl).
    demoFleet = await runFleet({ apiUrl: url(), username: 'admin', password: ADMIN_PASSWORD, rooms: 3, substations: 1, speed: 1, scenario: 'normal', seed: 1, log: () => undefined });
    await eventually(async () => (await connected()) === 4);
  });
  afterAll(async () => {
    await demoFleet?.stop();
    await world?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the broker, uses its own device ids, and leaves the other fleet connected', async () => {
    const credentials = path.join(dir, 'creds.json');
    const args = ['--url', url(), '--rooms', '3', '--substations', '1', '--seed', '1', '--duration', '60s', '--credentials', credentials];
    let bothConnected = false;
    const running = startSim(args, { HEATWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD }, (line) => {
      if (!line.startsWith('running 4 devices')) return;
      // Both fleets at once: eight connections, none pushed off by the other. Then Ctrl-C.
      void eventually(async () => (await connected()) === 8, 20_000)
        .then(() => (bothConnected = true), () => undefined)
        .finally(() => running.child.kill('SIGINT'));
    });
    const run = await running.done;
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(bothConnected).toBe(true);
    expect(run.out).toContain(`connecting 4 devices to mqtt://127.0.0.1:${world.app.mqttPort}`);

    const prefix = (JSON.parse(fs.readFileSync(credentials, 'utf8')) as { prefix: string }).prefix;
    expect(prefix).toMatch(/^[A-Za-z0-9_]{1,16}$/);
    const ids = (await world.api<{ devices: { id: string }[] }>('GET', '/api/devices')).body.devices.map((d) => d.id).sort();
    expect(ids).toEqual([`${prefix}-R-001-0001`, `${prefix}-R-001-0002`, `${prefix}-R-001-0003`, `${prefix}-SS-001`, 'R-001-0001', 'R-001-0002', 'R-001-0003', 'SS-001'].sort());
    // The demo's fleet is still up after the other has gone.
    await eventually(async () => (await connected()) === 4);

    // A re-run keeps the prefix and reconnects the same devices.
    const again = await sim([...args.slice(0, -4), '--duration', '1s', '--credentials', credentials], { HEATWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD });
    expect(again.code).toBe(0);
    expect(again.out).toContain('provisioned: 0 new, 4 reused');
  }, 90_000);

  it('refuses a password on the command line, and says how to give it', async () => {
    const run = await sim(['--url', url(), '--password', ADMIN_PASSWORD], {});
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--password is not taken.*HEATWATCH_ADMIN_PASSWORD/);
  });

  it('without a terminal to ask on and no HEATWATCH_ADMIN_PASSWORD, says so and stops', async () => {
    const run = await sim(['--url', url()], {});
    expect(run.code).toBe(2);
    expect(run.err).toContain('no admin password: set HEATWATCH_ADMIN_PASSWORD');
  });
});
