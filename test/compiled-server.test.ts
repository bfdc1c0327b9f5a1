/**
 * Production runs the compiled server (`npm run build` → build/, `npm start` → node
 * build/ingest/main.js), not tsx: the build must hold every module and every file read beside
 * them at run time (the working-day calendar, the report worker), and find the project's
 * dashboard from its own folder. `npm test` builds first (pretest).
 */
import fs from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, localDateOf, localMidnight } from '../ingest/contracts/beijing-time.ts';
import { buildState, SERVER } from '../scripts/build.ts';
import { HeatWatchClient } from '../simulators/heatwatch-client.ts';
import { START_NODE_ARGS, spawnHeatWatch, type HeatWatchProcess } from '../simulators/heatwatch-process.ts';
import { heatingAllYear, tempDir } from './support/heatwatch.ts';

let node: HeatWatchProcess | undefined;
afterAll(() => node?.kill('SIGTERM'));

describe('the compiled server', () => {
  it('is built and current (npm run build; npm test builds it first)', () => {
    expect(buildState(SERVER)).toEqual({ state: 'fresh' });
  });

  it('runs in the container as npm start runs it (the same Node options)', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(fs.readFileSync('Dockerfile', 'utf8'));
    expect(JSON.parse(cmd![1]!)).toEqual(['node', ...START_NODE_ARGS, 'build/ingest/main.js']);
    expect(START_NODE_ARGS).toContain('--max-semi-space-size=64');
  });

  it('starts without tsx, serves the API and the dashboard, and reports through its worker', async () => {
    node = await spawnHeatWatch({ ...heatingAllYear(), HEATWATCH_DATA_DIR: tempDir('heatwatch-compiled-'), HEATWATCH_ADMIN_PASSWORD: 'compiled-admin-password' }, { compiled: true });
    const base = `http://127.0.0.1:${node.httpPort}`;
    // No TypeScript loader in the process: every module it runs is JavaScript (with npm start's Node options).
    expect(fs.readFileSync(`/proc/${node.child.pid}/cmdline`, 'utf8').split('\0')).toEqual([process.execPath, ...START_NODE_ARGS, path.resolve('build/ingest/main.js'), '']);
    expect(await (await fetch(`${base}/api/health`)).json()).toMatchObject({ status: 'ok', rulesLeader: true });
    expect(await (await fetch(`${base}/`)).text()).toContain('<html lang="zh-CN">');
    const version = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(node.output()).toContain(`"version":"${version}"`);
    // The monthly report's days are computed in a worker thread (a plain .mjs copied beside the build).
    const api = await HeatWatchClient.login(base, 'admin', 'compiled-admin-password');
    const room = await api.provision({ id: 'R-1', kind: 'room', name: '测温点 1', lat: 35.4, lng: 116.97, roomType: 'bedroom' });
    // Yesterday (Beijing), a reading every hour at 21 °C: one compliant room-day.
    const yesterday = addDays(localDateOf(Date.now()), -1);
    const sensor = await mqtt.connectAsync(`mqtt://127.0.0.1:${node.mqttPort}`, { username: 'R-1', password: room.mqtt.password, reconnectPeriod: 0 });
    const day = Array.from({ length: 24 }, (_, h) => ({ ts: localMidnight(yesterday) + h * 3_600_000 + 60_000, temp: 21 }));
    await sensor.publishAsync('heat/room/R-1/telemetry', JSON.stringify(day), { qos: 1 });
    await sensor.endAsync();
    const report = await api.request<{ rooms: { roomDays: number; compliantRoomDays: number } }>('GET', `/api/reports?from=${yesterday}&to=${yesterday}`, undefined, { token: api.token });
    expect(report.status).toBe(200);
    expect(report.body.rooms).toMatchObject({ roomDays: 1, compliantRoomDays: 1 });
  });
});
