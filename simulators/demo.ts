/**
 * `npm run demo`: HeatWatch on embedded defaults plus a simulated fleet around Zoucheng, in one
 * process. Prints where to look and how to log in. Ports 8080/1883 are used when free; when
 * something else holds them (a Mosquitto on 1883, say), a free port is picked and printed.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startHeatWatch } from '../ingest/app.ts';
import { loadConfigOrExit } from '../ingest/config/config.ts';
import { runFleet } from './fleet-runner.ts';
import { isScenarioName, SCENARIO_NAMES } from './scenarios.ts';

const USAGE = `Usage: npm run demo -- [--rooms N] [--substations M] [--speed X] [--scenario NAME] [--seed S]

Starts HeatWatch (embedded broker, SQLite in $HEATWATCH_DATA_DIR or ./data) and a simulated
fleet publishing to it. Defaults: 300 rooms, 6 substations, speed 60, scenario normal, seed 1.
Scenarios: ${SCENARIO_NAMES.join(', ')}.
The admin password is $HEATWATCH_ADMIN_PASSWORD, or a fresh random one printed at start.`;

const { values: flags } = parseArgs({
  options: {
    rooms: { type: 'string', default: '300' },
    substations: { type: 'string', default: '6' },
    speed: { type: 'string', default: '60' },
    scenario: { type: 'string', default: 'normal' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const rooms = Number(flags.rooms);
const substations = Number(flags.substations);
const speed = Number(flags.speed);
const seed = Number(flags.seed);
const scenario = flags.scenario!;
if (![rooms, substations, seed].every(Number.isInteger) || !(speed > 0) || !isScenarioName(scenario)) {
  console.error(`bad option\n\n${USAGE}`);
  process.exit(2);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve(true)));
  });
}

const env = process.env;
const adminPassword = env.HEATWATCH_ADMIN_PASSWORD || randomBytes(9).toString('base64url');
const config = loadConfigOrExit({
  ...env,
  HEATWATCH_ADMIN_PASSWORD: adminPassword,
  HEATWATCH_LOG_LEVEL: env.HEATWATCH_LOG_LEVEL ?? 'warn',
  HEATWATCH_HTTP_PORT: env.HEATWATCH_HTTP_PORT ?? ((await portFree(8080)) ? '8080' : '0'),
  HEATWATCH_MQTT_PORT: env.HEATWATCH_MQTT_PORT ?? ((await portFree(1883)) ? '1883' : '0'),
});

const app = await startHeatWatch(config, { logger: pino({ level: config.logLevel }) });
const mqttUrl = `mqtt://localhost:${app.mqttPort}`;
console.log(`
  HeatWatch 供热监测 is running · 已启动
  Dashboard 调度台   ${app.url}
  Login 登录         admin / ${adminPassword}
  MQTT              ${mqttUrl}   (WebSocket ${app.url.replace('http', 'ws')}/mqtt)
  API docs 接口文档  ${app.url}/docs
  Data 数据          ${config.dataDir}

  Simulating ${rooms} rooms under ${substations} substations around Zoucheng 邹城 — scenario ${scenario}, ${speed}× — Ctrl-C to stop
`);

const fleet = await runFleet({
  apiUrl: app.url,
  mqttUrl,
  username: 'admin',
  password: adminPassword,
  rooms,
  substations,
  speed,
  scenario,
  seed,
  credentialsFile: path.join(config.dataDir, 'sim-credentials.json'),
  log: (line) => console.log(`  [sim] ${line}`),
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\n  stopping: the fleet disconnects, then HeatWatch flushes and closes');
    void fleet
      .stop()
      .then(() => app.close())
      .then(() => process.exit(0));
  });
}
