/**
 * What a newcomer sees in `npm run demo`: the story scenario, replayed through the real pipeline
 * (simulated sensors → embedded broker → rules → tickets → alerting → the demo's terminal pager),
 * opens a pipe-burst accident that pages the engineer, a cold room's ticket and one substation
 * incident with its rooms under it. And each demo run keeps a data folder of its own.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, HOUR_MS, localDateOf } from '../ingest/contracts/beijing-time.ts';
import type { Report } from '../ingest/contracts/reports.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { startConsolePager, type ConsolePager, type Page } from '../simulators/demo-pager.ts';
import { openDemoRun } from '../simulators/demo-runs.ts';
import { buildFleet } from '../simulators/fleet.ts';
import { runFleet, type RunningFleet } from '../simulators/fleet-runner.ts';
import { planScenario } from '../simulators/scenarios.ts';
import { ADMIN_PASSWORD, eventually, heatingAllYear, startWorld, tempDir, type TestWorld } from './support/heatwatch.ts';

const ROOMS = 60;
const SUBSTATIONS = 3;
const SEED = 1;
// Long enough for the tripped substation's rooms to go cold together on a mild spring day too.
const HOURS = 14;

describe('the demo story, through the real pipeline', () => {
  let world: TestWorld;
  let fleet: RunningFleet;
  let pager: ConsolePager;
  const pages: Page[] = [];
  // Whole minutes, so the plan computed here matches the runner's.
  const start = Math.floor((Date.now() - HOURS * 3_600_000) / 60_000) * 60_000;
  const demoFleet = buildFleet({ rooms: ROOMS, substations: SUBSTATIONS, seed: SEED });
  const plan = planScenario('story', demoFleet, SEED, start);
  const tickets = async () => (await world.api<{ tickets: Ticket[] }>('GET', '/api/tickets?limit=5000')).body.tickets;

  beforeAll(async () => {
    // Whatever today's date: the season covers every day, as the demo's own rules do off season.
    world = await startWorld({ ...heatingAllYear(), HEATWATCH_DEVICE_MSG_RATE: '1000', HEATWATCH_DEVICE_MSG_BURST: '5000' });
    const apiUrl = `http://127.0.0.1:${world.app.httpPort}`;
    pager = await startConsolePager({ apiUrl, username: 'admin', password: ADMIN_PASSWORD, print: (p) => pages.push(p) });
    fleet = await runFleet({ apiUrl, username: 'admin', password: ADMIN_PASSWORD, rooms: ROOMS, substations: SUBSTATIONS, speed: 36_000, scenario: 'story', seed: SEED, start, log: () => undefined });
  });
  afterAll(async () => {
    await fleet?.stop();
    await pager?.close();
    await world?.close();
  });

  it('plans a cold room, a trip and a burst at three different places, in that order', () => {
    expect(plan.stuckValves).toHaveLength(1);
    expect(plan.trips).toHaveLength(1);
    expect(plan.bursts).toHaveLength(1);
    expect(plan.bursts[0]!.substation).not.toBe(plan.trips[0]!.substation);
    expect(demoFleet.rooms[plan.stuckValves[0]!.room]!.substation).not.toBe(plan.trips[0]!.substation);
    expect(plan.stuckValves[0]!.at).toBeLessThan(plan.trips[0]!.at);
    expect(plan.trips[0]!.at).toBeLessThan(plan.bursts[0]!.at);
  });

  it('opens the accident and pages the engineer on duty, in the terminal', async () => {
    const burst = demoFleet.substations[plan.bursts[0]!.substation]!.device.id;
    const accident = await eventually(async () => (await tickets()).find((t) => t.type === 'pipeline_accident'), 60_000);
    expect(accident).toMatchObject({ deviceId: burst, source: 'rule' });
    const page = await eventually(() => pages.find((p) => p.link.includes(accident.id)), 30_000);
    expect(page.recipients.map((r) => r.name)).toEqual(['张工']);
    expect(page.title).toContain('主管道事故');
    expect(page.ackLink).toMatch(/\/ack\//);
  }, 90_000);

  it("opens the cold room's ticket, standing alone", async () => {
    const room = demoFleet.rooms[plan.stuckValves[0]!.room]!.device.id;
    const cold = await eventually(async () => (await tickets()).find((t) => t.type === 'room_temp_low' && t.deviceId === room), 60_000);
    expect(cold.parentId).toBeNull();
  }, 90_000);

  it("opens one incident for the tripped substation, its fault, with its cold rooms under it", async () => {
    const tripped = demoFleet.substations[plan.trips[0]!.substation]!.device.id;
    const incident = await eventually(async () => (await tickets()).find((t) => t.type === 'substation_fault'), 60_000);
    expect(incident.substationId).toBe(tripped);
    const children = await eventually(async () => {
      const under = (await tickets()).filter((t) => t.parentId === incident.id);
      return under.length >= 3 ? under : undefined;
    }, 30_000);
    expect(children.every((t) => t.substationId === tripped)).toBe(true);
  }, 90_000);
});

describe('npm run demo', () => {
  it('replays the day before for the report, prints the banner, the story and the page in the terminal, and logs JSON to its run folder only', async () => {
    const parent = tempDir('heatwatch-demo-');
    const storyStart = Date.now() - 2 * HOUR_MS;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '..', 'simulators', 'demo.ts'), '--rooms', '12', '--substations', '2', '--hours', '2', '--history-days', '1', '--speed', '600'], {
      env: { ...process.env, HEATWATCH_DATA_DIR: parent, HEATWATCH_HTTP_PORT: '0', HEATWATCH_MQTT_PORT: '0', HEATWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // The burst comes 90 simulated minutes in: 9 s at 600×.
      await eventually(() => out.includes('[page 通知 → 张工] 【主管道事故】'), 80_000);
      // The whole day before the story was replayed first: the 报表 page has a finished day to judge.
      const url = /Dashboard 调度台\s+(\S+)/.exec(out)![1]!;
      const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
      const { token } = (await login.json()) as { token: string };
      const day = addDays(localDateOf(storyStart), -1);
      const report = (await (await fetch(`${url}/api/reports?from=${day}&to=${day}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Report;
      expect(report.rooms.roomDays).toBeGreaterThan(0);
      expect(report.rooms.complianceRate).not.toBeNull();
      // Its rooms' households are imported: a stop is told to them, one line in the terminal.
      await eventually(() => out.includes('households imported'), 20_000);
      const stop = { substationId: 'SS-001', startsAt: new Date(Date.now() + 30 * HOUR_MS).toISOString(), endsAt: new Date(Date.now() + 36 * HOUR_MS).toISOString(), reason: '换热器检修' };
      const registered = await fetch(`${url}/api/outages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(stop) });
      expect(registered.status).toBe(201);
      await eventually(() => /\[用户通知 customer notice → \d+ 户 households\] 【停热通知】.*换热器检修/.test(out), 15_000);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(err).toBe('');
    expect(out).toContain(`Login 登录         admin / ${ADMIN_PASSWORD}`);
    expect(out).toContain('What to watch for 看点');
    expect(out.split('\n').filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
    const [run] = fs.readdirSync(path.join(parent, 'demo'));
    const log = fs.readFileSync(path.join(parent, 'demo', run!, 'heatwatch.log'), 'utf8').trim().split('\n');
    expect(log.some((line) => (JSON.parse(line) as { msg: string }).msg.startsWith('HeatWatch listening on'))).toBe(true);
    fs.rmSync(parent, { recursive: true, force: true });
  }, 120_000);
});

describe('demo runs', () => {
  it('each run gets a folder of its own; the newest three are kept', () => {
    const parent = tempDir('heatwatch-demo-runs-');
    const t0 = Date.parse('2026-12-05T00:00:00Z');
    const runs = [0, 1, 1, 2, 3].map((s) => openDemoRun(parent, t0 + s * 1000));
    const names = runs.map((r) => path.basename(r.dir));
    expect(new Set(names).size).toBe(5);
    expect(names[0]).toBe('2026-12-05T08-00-00'); // Beijing time
    expect(names[2]).toBe('2026-12-05T08-00-01-2');
    expect(runs[4]!.removed.map((d) => path.basename(d))).toEqual(['2026-12-05T08-00-01']);
    expect(fs.readdirSync(path.join(parent, 'demo')).sort()).toEqual(names.slice(2).sort());
    fs.rmSync(parent, { recursive: true, force: true });
  });
});
