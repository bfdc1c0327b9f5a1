/**
 * `npm run demo`: HeatWatch on embedded defaults plus a simulated fleet around Zoucheng, in one
 * process. By default it plays a short story over the normal fleet — a room goes cold, a
 * substation trips, a main bursts — so tickets, an incident and a page (printed here, from the
 * demo's own on-duty roster) appear within minutes. Each run has its own data folder; HeatWatch's
 * log goes to a file in it, so the terminal shows the banner, the story and the pages. Before the
 * story, the quiet fleet replays the days before it in seconds, so the 报表 page has
 * finished days to judge.
 * Ports 8080/1883 are used when free; otherwise a free port is picked and printed.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startHeatWatch } from '../ingest/app.ts';
import { loadConfigOrExit } from '../ingest/config/config.ts';
import { isInHeatingSeason } from '../ingest/core/calendar/heating-season.ts';
import { DEFAULT_RULES_CONFIG } from '../ingest/core/rules/rules-config.ts';
import { addDays, formatBeijing, HOUR_MS, localDateOf, localMidnight } from '../ingest/contracts/beijing-time.ts';
import { startConsolePager, type NoticeRound, type Page } from './demo-pager.ts';
import { importDemoHouseholds } from './demo-households.ts';
import { buildFleet } from './fleet.ts';
import { HeatWatchClient } from './heatwatch-client.ts';
import { DEMO_RUNS_KEPT, openDemoRun } from './demo-runs.ts';
import { runFleet } from './fleet-runner.ts';
import { isScenarioName, SCENARIO_DESCRIPTIONS, SCENARIO_NAMES } from './scenarios.ts';

const USAGE = `Usage: npm run demo -- [--scenario NAME] [--rooms N] [--substations M] [--speed X] [--hours H] [--history-days D] [--seed S]

Starts HeatWatch (embedded broker, SQLite) and a simulated fleet publishing to it, replaying
the last H hours (default 8) at X× (default 60) until it catches up with now. Before that, the
quiet fleet replays the D whole days before them (default 2; 0 for none) in seconds, so
the 报表 (report) page has finished days to judge. Each run keeps
its data in its own folder under $HEATWATCH_DATA_DIR/demo (default ./data/demo); the newest
${DEMO_RUNS_KEPT} runs are kept. Defaults: 300 rooms, 6 substations, scenario story, seed 1.
Scenarios:
${SCENARIO_NAMES.map((n) => `  ${n.padEnd(16)} ${SCENARIO_DESCRIPTIONS[n]}`).join('\n')}
The admin password is $HEATWATCH_ADMIN_PASSWORD, or a fresh random one printed at start.`;

const { values: flags } = parseArgs({
  options: {
    rooms: { type: 'string', default: '300' },
    substations: { type: 'string', default: '6' },
    speed: { type: 'string', default: '60' },
    hours: { type: 'string', default: '8' },
    'history-days': { type: 'string', default: '2' },
    scenario: { type: 'string', default: 'story' },
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
const hours = Number(flags.hours);
const historyDays = Number(flags['history-days']);
const seed = Number(flags.seed);
const scenario = flags.scenario!;
// HeatWatch refuses readings older than 7 days: the history and the story must fit in 6.
const historyFits = Number.isInteger(historyDays) && historyDays >= 0 && hours + 24 * (historyDays + 1) <= 24 * 6;
if (![rooms, substations, seed].every(Number.isInteger) || !(speed > 0) || !(hours >= 0 && hours <= 24 * 6) || !historyFits || !isScenarioName(scenario)) {
  console.error(`bad option\n\n${USAGE}`);
  process.exit(2);
}

/** How long the history replay is meant to take, whatever its span (a big fleet may need longer). */
const HISTORY_REPLAY_MS = 15_000;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve(true)));
  });
}

const env = process.env;
const adminPassword = env.HEATWATCH_ADMIN_PASSWORD || randomBytes(9).toString('base64url');
const run = openDemoRun(env.HEATWATCH_DATA_DIR || './data', Date.now());
const logFile = path.join(run.dir, 'heatwatch.log');

// Outside the heating season no room may be "too cold": the demo's rules make every day count,
// unless an admin's rules file is given.
let rulesNote = '';
if (!env.HEATWATCH_RULES_FILE && !isInHeatingSeason(Date.now(), DEFAULT_RULES_CONFIG.season)) {
  const rulesFile = path.join(run.dir, 'demo-rules.json');
  fs.writeFileSync(rulesFile, `${JSON.stringify({ season: { start: '07-01', end: '06-30' } }, null, 2)}\n`);
  env.HEATWATCH_RULES_FILE = rulesFile;
  rulesNote = `  Today is outside the heating season (15 Nov – 19 Mar): this demo's rules count every day as in season (${rulesFile}).\n`;
}

const config = loadConfigOrExit({
  ...env,
  HEATWATCH_DATA_DIR: run.dir,
  HEATWATCH_ADMIN_PASSWORD: adminPassword,
  HEATWATCH_HTTP_PORT: env.HEATWATCH_HTTP_PORT ?? ((await portFree(8080)) ? '8080' : '0'),
  HEATWATCH_MQTT_PORT: env.HEATWATCH_MQTT_PORT ?? ((await portFree(1883)) ? '1883' : '0'),
});

// The whole log goes to the run's file; errors also reach the terminal, as one readable line.
const terminalErrors = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      console.error(`  [heatwatch] ${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}  (details in ${logFile})`);
    }
    done();
  },
});
const logger = pino(
  { level: config.logLevel, base: { service: 'heatwatch' }, timestamp: pino.stdTimeFunctions.isoTime },
  pino.multistream([
    { level: config.logLevel, stream: pino.destination({ dest: logFile, sync: true }) },
    { level: 'error', stream: terminalErrors },
  ]),
);

const app = await startHeatWatch(config, { logger });
const story =
  scenario === 'story'
    ? `
  What to watch for 看点 (the story, ${speed}×, replaying the last ${hours} h):
    ~${Math.ceil(22 / speed)} min  a substation trips → 换热站故障 ticket from its own pump and flow readings, paged before its rooms cool
    ~${Math.ceil(90 / speed)} min  a main bursts at a substation → 主管道事故 ticket; 张工 is paged right here
    ~${Math.ceil(150 / speed)} min  a room's radiator valve sticks → 室温不达标 ticket for that room
    ~${Math.ceil(360 / speed)} min  the tripped substation's rooms go cold → they join its 换热站故障 incident, no new page
    No acknowledgement within 5 min of the burst → the page escalates to 王经理.
  A quiet fleet: npm run demo -- --scenario normal · other scenarios: npm run demo -- --help
`
    : `
  Scenario ${scenario}: ${SCENARIO_DESCRIPTIONS[scenario]}
`;
console.log(`
  HeatWatch 供热监测 is running · 已启动
  Dashboard 调度台   ${app.url}
  Login 登录         admin / ${adminPassword}
  MQTT              mqtt://localhost:${app.mqttPort}   (WebSocket ${app.url.replace('http', 'ws')}/mqtt)
  API docs 接口文档  ${app.url}/docs
  Data 数据          ${run.dir}   (the newest ${DEMO_RUNS_KEPT} demo runs are kept${run.removed.length ? `; ${run.removed.length} older removed` : ''})
  Log 日志           ${logFile}
${rulesNote}${story}
  Simulating ${rooms} rooms under ${substations} substations around Zoucheng 邹城 — Ctrl-C to stop
`);

const printPage = (page: Page) => {
  const to = page.recipients.map((r) => r.name).join('、') || '—';
  console.log(`\n  [page 通知 → ${to}] ${page.title}\n${page.text.replace(/^/gm, '      ')}\n      ${page.link}${page.ackLink ? `\n      接单 acknowledge: ${page.ackLink}` : ''}\n`);
};
const printNotices = (round: NoticeRound) => console.log(`\n  [用户通知 customer notice → ${round.households} 户 households] ${round.text}\n`);
const pager = await startConsolePager({ apiUrl: app.url, username: 'admin', password: adminPassword, print: printPage, printNotices });

// Whole minutes back from now: the replay reaches the present after hours×60/speed minutes.
const storyStart = Math.floor((Date.now() - hours * HOUR_MS) / 60_000) * 60_000;
const fleetOptions = {
  apiUrl: app.url,
  mqttUrl: `mqtt://localhost:${app.mqttPort}`,
  username: 'admin',
  password: adminPassword,
  rooms,
  substations,
  seed,
  credentialsFile: path.join(config.dataDir, 'sim-credentials.json'),
};

if (historyDays > 0) {
  // The whole Beijing days before the story, quiet, in about a minute: the report's room-days.
  const historyStart = localMidnight(addDays(localDateOf(storyStart), -historyDays));
  console.log(`  Replaying ${formatBeijing(historyStart).slice(0, 16).replace("T", " ")} → ${formatBeijing(storyStart).slice(0, 16).replace("T", " ")} (quiet fleet) first, for the 报表 page\n`);
  const history = await runFleet({
    ...fleetOptions,
    scenario: 'normal',
    speed: Math.ceil((storyStart - historyStart) / HISTORY_REPLAY_MS),
    start: historyStart,
    until: storyStart,
    // Only what matters: the story's own fleet reports provisioning and connecting in a moment.
    log: (line) => /^(stopped|\d+ devices)|refused|skipped [^0]/.test(line) && console.log(`  [history] ${line}`),
  });
  const outcome = await Promise.race([history.finished.then(() => 'done'), new Promise((resolve) => setTimeout(resolve, 20 * HISTORY_REPLAY_MS, 'late'))]);
  await history.stop();
  if (outcome === 'late') console.log('  [history] not every device caught up in time; the story starts anyway');
}

const fleet = await runFleet({
  ...fleetOptions,
  speed,
  scenario,
  start: storyStart,
  log: (line) => console.log(`  [sim] ${line}`),
});
// Whom a heat stop reaches: one household per room, through the admin's own import.
const households = await importDemoHouseholds(await HeatWatchClient.login(app.url, 'admin', adminPassword), buildFleet({ rooms, substations, seed }));
console.log(`  [demo] ${households.created} households imported: register a stop in 停热管理 and its notices print here`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\n  stopping: the fleet disconnects, then HeatWatch flushes and closes');
    void fleet
      .stop()
      .then(() => pager.close())
      .then(() => app.close())
      .then(() => process.exit(0));
  });
}
