/**
 * `npm run screenshots`: the documentation's pictures, made the way a dispatcher would see them.
 * Starts HeatWatch in a temp dir with a simulated substation trip, lets the rules open their
 * tickets, then photographs the dashboard in real Chromium (zh-CN, English, a ticket, a
 * substation, a phone, stops, search, a household, callbacks, a handover, users, an engineer's
 * day on a phone, a printed visit record) into docs/. Needs the build (`npm run build`) and Debian's chromium.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { startHeatWatch } from '../ingest/app.ts';
import { loadConfig } from '../ingest/config/config.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { launchChromium } from './chromium.ts';
import { isIncident } from '../ingest/contracts/ticket-lifecycle.ts';
import { runFleet } from './fleet-runner.ts';
import { HeatWatchClient } from './heatwatch-client.ts';
import { importDemoHouseholds } from './demo-households.ts';
import { buildFleet } from './fleet.ts';
import { localDateOf, localMidnight } from '../ingest/contracts/beijing-time.ts';


const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docs = path.join(root, 'docs');
const password = 'screenshot-admin-password';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heatwatch-screenshots-'));
const log = (line: string) => console.log(`screenshots: ${line}`);

const app = await startHeatWatch(
  loadConfig({ HEATWATCH_DATA_DIR: dataDir, HEATWATCH_HTTP_PORT: '0', HEATWATCH_MQTT_PORT: '0', HEATWATCH_HTTP_HOST: '127.0.0.1', HEATWATCH_MQTT_HOST: '127.0.0.1', HEATWATCH_ADMIN_PASSWORD: password }),
  { logger: pino({ level: 'warn' }) },
);
const fleet = await runFleet({
  apiUrl: app.url,
  mqttUrl: `mqtt://127.0.0.1:${app.mqttPort}`,
  username: 'admin',
  password,
  rooms: 400,
  substations: 8,
  // Fourteen hours replayed in about a minute: the trip an hour in, its rooms cold by the
  // present even on a mild day (ten hours were not enough on a mild December day).
  speed: 840,
  start: Date.now() - 14 * 3_600_000,
  scenario: 'substation-trip',
  seed: 7,
  log,
});

const client = await HeatWatchClient.login(app.url, 'admin', password);

const browser = await launchChromium();
async function signedIn(width: number, height: number, scale = 1): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: scale });
  await page.goto(app.url);
  await page.locator('input[name=username]').fill('admin');
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.getByTestId('live-status').waitFor();
  await page.locator('[data-testid=ticket-row]').first().waitFor();
  await page.waitForTimeout(1500);
  return page;
}
const shot = async (page: Page, name: string) => {
  await page.screenshot({ path: path.join(docs, name) });
  log(`docs/${name}`);
};

try {
  let incident: Ticket | undefined;
  // The trip opens a substation fault minutes after it; its rooms, cold hours later, go under it.
  // The pictures are taken once several are there, as a dispatcher would see the incident.
  const deadline = Date.now() + 240_000;
  while (!incident && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2000));
    const { tickets } = await client.call<{ tickets: Ticket[] }>('GET', '/api/tickets?status=active');
    incident = tickets.find((t) => isIncident(t) && tickets.filter((c) => c.parentId === t.id).length >= 3);
  }
  if (!incident) throw new Error('no substation incident with its rooms within 4 minutes');
  const found = incident;
  log(`incident ${found.id} at ${found.substationId} with its rooms; waiting for the replay to settle`);
  await new Promise((r) => setTimeout(r, 15_000));

  const desk = await signedIn(1440, 900);
  await shot(desk, 'screenshot.png');
  await desk.locator(`[data-testid=ticket-row][data-ticket-id="${found.id}"]`).click();
  await desk.getByTestId('ticket-detail').waitFor();
  await desk.waitForTimeout(1500);
  await shot(desk, 'screenshot-ticket.png');
  await desk.getByTestId('detail-device').click(); // the incident's device is its substation
  await desk.getByTestId('temp-distribution').waitFor();
  await desk.waitForTimeout(1500);
  await shot(desk, 'screenshot-substation.png');

  const station = await signedIn(1440, 900);
  const room = (await client.call<{ tickets: Ticket[] }>('GET', '/api/tickets?status=active&type=room_temp_low')).tickets.find((t) => t.parentId === found.id);
  if (room?.deviceId) {
    // An incident is one row: its rooms show once it is expanded.
    await station.locator('li', { has: station.locator(`[data-testid=ticket-row][data-ticket-id="${found.id}"]`) }).getByTestId('group-toggle').click();
    await station.locator(`[data-testid=ticket-row][data-ticket-id="${room.id}"]`).first().click();
    await station.getByTestId('ticket-detail').waitFor();
  }
  await station.getByTestId('lang-switch').click();
  await station.waitForTimeout(1500);
  await shot(station, 'screenshot-en.png');
  await station.getByTestId('lang-switch').click();

  const phone = await signedIn(390, 844, 2);
  await shot(phone, 'screenshot-phone.png');

  // 停热管理: the fleet's households, a planned stop tomorrow on another substation, its notices.
  await importDemoHouseholds(client, buildFleet({ rooms: 400, substations: 8, seed: 7 }));
  const other = (await client.call<{ devices: { id: string; kind: string }[] }>('GET', '/api/devices?kind=substation')).devices.find((d) => d.id !== found.substationId)!;
  const start = Math.ceil((Date.now() + 30 * 3_600_000) / 3_600_000) * 3_600_000;
  await client.call('POST', '/api/outages', { substationId: other.id, startsAt: new Date(start).toISOString(), endsAt: new Date(start + 8 * 3_600_000).toISOString(), reason: '换热器检修', areas: '小区 1–6 号楼' });
  const stops = await signedIn(1440, 900);
  await stops.getByTestId('nav-outages').click();
  await stops.locator('[data-testid=stop-card] button.head').first().click();
  await stops.waitForTimeout(1500);
  await shot(stops, 'screenshot-outages.png');

  // 搜索 and 住户档案: a household found by name, its page with its tickets and its room's chart.
  const { households } = await client.call<{ households: { id: string; name: string; phone: string; deviceIds: string[] }[] }>('GET', '/api/households?limit=50');
  const family = households.find((h) => h.deviceIds.length > 0)!;
  const called = await client.call<Ticket>('POST', '/api/tickets', { type: 'heating_quality', description: '客厅不热', contact: `${family.name} ${family.phone}` });
  const finder = await signedIn(1440, 900);
  await finder.getByTestId('search-input').fill(family.name);
  await finder.locator(`[data-testid=search-household][data-household-id="${family.id}"]`).waitFor();
  await finder.waitForTimeout(500);
  await shot(finder, 'screenshot-search.png');
  await finder.locator(`[data-testid=search-household][data-household-id="${family.id}"]`).click();
  await finder.getByTestId('household-tickets').getByText(called.id).waitFor();
  await finder.locator('[data-testid=household-page] .uplot').first().waitFor();
  await finder.waitForTimeout(1000);
  await shot(finder, 'screenshot-household.png');

  // 待回访: hotline tickets resolved and waiting for their callback.
  for (const [description, contact] of [['暖气片漏水', '王先生 13800000011'], ['阀门关不严', '李女士 13800000012'], ['缴费后仍未供热', '赵先生 13800000013']] as const) {
    const t = await client.call<Ticket>('POST', '/api/tickets', { type: 'repair', description, contact, address: '幸福小区 5-1-302' });
    for (const step of ['acknowledge', 'on-site']) await client.call('POST', `/api/tickets/${t.id}/${step}`, {});
    await client.call('POST', `/api/tickets/${t.id}/resolve`, { cause: '户内阀门老化', note: '已更换阀门，室温恢复' });
  }
  const callbacks = await signedIn(1440, 900);
  await callbacks.getByTestId('tab-callbacks').click();
  await callbacks.waitForTimeout(1000);
  await shot(callbacks, 'screenshot-callbacks.png');

  // 交接班: the sheet a dispatcher hands over at the end of the shift.
  const handover = await signedIn(1440, 900);
  await handover.getByTestId('nav-handover').click();
  await handover.getByTestId('handover-sheet').waitFor();
  await handover.locator('textarea[name=note]').fill('四号换热站跳闸，抢修班已到场，预计 2 小时恢复；王先生等回访电话。');
  await handover.waitForTimeout(1000);
  await shot(handover, 'screenshot-handover.png');

  // 用户管理: the accounts a control room has.
  for (const [username, displayName, role] of [['wang.li', '王丽', 'dispatcher'], ['zhao.gang', '赵刚', 'dispatcher'], ['li.qiang', '李强', 'engineer'], ['kanban', '大屏', 'viewer']] as const) {
    await client.call('POST', '/api/users', { username, displayName, role, password: `${username}-password-1` });
  }
  const users = await signedIn(1440, 900);
  await users.getByTestId('nav-account').click();
  await users.getByTestId('user-list').locator('li[data-username="wang.li"]').waitFor();
  await users.getByTestId('user-list').locator('li[data-username="wang.li"]').getByTestId('user-reset').click();
  await users.waitForTimeout(500);
  await shot(users, 'screenshot-users.png');

  // 今日走访 on an engineer's phone, and the printed 《客户走访记录》.
  const all = [1, 2, 3, 4, 5, 6, 7];
  await client.call('PUT', '/api/alerting/roster', {
    people: [{ id: 'li', name: '李强', username: 'li.qiang' }, { id: 'wang', name: '王伟' }],
    teams: [{ id: 'east', name: '东区抢修班', substations: '*', channels: [] }],
    shifts: [{ team: 'east', person: 'li', role: 'engineer', weekdays: all, start: '00:00', end: '00:00' }, { team: 'east', person: 'wang', role: 'engineer', weekdays: all, start: '00:00', end: '00:00' }],
  });
  const today = localMidnight(localDateOf(Date.now()));
  const homes = households.filter((h) => h.deviceIds.length > 0).slice(0, 3);
  const planned = [];
  for (const [i, home] of homes.entries()) {
    planned.push(await client.call<{ id: string }>('POST', '/api/visits', { householdId: home.id, scheduledAt: new Date(today + (9 + i) * 3_600_000).toISOString(), staff: ['李强', '王伟'], ...(i === 0 ? { ticketId: called.id } : {}) }));
  }
  // A signature as the pad makes it: strokes on a 600×200 canvas, as a PNG.
  const pad = await browser.newPage();
  const signature = await pad.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 600;
    c.height = 200;
    const g = c.getContext('2d')!;
    g.lineWidth = 4;
    g.lineCap = 'round';
    g.beginPath();
    for (const [x0, y0, x1, y1] of [[80, 60, 200, 60], [90, 100, 190, 100], [70, 150, 210, 150], [140, 60, 140, 150], [260, 50, 300, 160], [300, 160, 340, 70], [340, 70, 380, 160], [380, 160, 420, 50], [450, 110, 540, 90]]) {
      g.moveTo(x0!, y0!);
      g.lineTo(x1!, y1!);
    }
    g.stroke();
    return c.toDataURL('image/png');
  });
  await pad.close();
  await client.call('POST', `/api/visits/${planned[0]!.id}/complete`, { measurements: [{ room: '客厅', temp: 17.4, deviceId: homes[0]!.deviceIds[0] }], signature, note: '用户反映客厅偏凉，已检查阀门' });
  const engineer = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  await engineer.goto(app.url);
  await engineer.locator('input[name=username]').fill('li.qiang');
  await engineer.locator('input[name=password]').fill('li.qiang-password-1');
  await engineer.locator('button[type=submit]').click();
  await engineer.getByTestId('nav-my-day').click();
  await engineer.locator('[data-testid=my-day-visit]').nth(homes.length - 1).waitFor();
  await engineer.waitForTimeout(800);
  await shot(engineer, 'screenshot-my-day.png');
  const sheet = await signedIn(1000, 1200);
  await sheet.goto(`${app.url}/`);
  await sheet.getByTestId('search-input').fill(homes[0]!.name);
  await sheet.locator(`[data-testid=search-household][data-household-id="${homes[0]!.id}"]`).click();
  await sheet.getByTestId('visit-print').first().click();
  await sheet.getByTestId('visit-sheet-signature').waitFor();
  await sheet.emulateMedia({ media: 'print' });
  await sheet.waitForTimeout(500);
  await shot(sheet, 'screenshot-visit-sheet.png');
} finally {
  await browser.close();
  await fleet.stop();
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
