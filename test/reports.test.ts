/**
 * The company's figures through the real pipeline: readings published over MQTT for a few rooms
 * over past days give exactly the room-days a person would count by hand; tickets taken through
 * their lifecycle in time and late give the closure and timeliness.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDateOf, localMidnight } from '../ingest/contracts/beijing-time.ts';
import type { ProvisionedDevice } from '../ingest/contracts/devices.ts';
import type { Report } from '../ingest/contracts/reports.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import type { ErrorBody } from '../ingest/errors.ts';
import { launchChromium } from '../simulators/chromium.ts';
import { eventually, signInOnDashboard, startWorld, tempDir, type TestWorld } from './support/heatwatch.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A rules file: heating all year (the suite runs on any day), a leak due 1.2 s after it opens. */
function rulesFile(): string {
  const file = path.join(tempDir('heatwatch-report-rules-'), 'rules.json');
  fs.writeFileSync(file, JSON.stringify({ season: { start: '07-01', end: '06-30' }, deadlines: { leak: 0.02 } }));
  return file;
}

async function login(world: TestWorld, username: string, role: string): Promise<string> {
  await world.api('POST', '/api/users', { username, password: `${username}-password`, role });
  return (await world.api<{ token: string }>('POST', '/api/login', { username, password: `${username}-password` }, null)).body.token;
}

describe('room-days from readings published over MQTT', () => {
  let world: TestWorld;
  // Two days that are over in Beijing time, whatever today is.
  const today = localDateOf(Date.now());
  const d1 = addDays(today, -3);
  const d2 = addDays(today, -2);

  /** Every 15 minutes of `date` from hour `from` for `hours` hours. */
  const quarterHours = (date: string, temp: number, from = 0, hours = 24) =>
    Array.from({ length: hours * 4 }, (_, i) => ({ ts: localMidnight(date) + from * HOUR + i * 15 * MIN, temp }));

  async function publish(device: ProvisionedDevice, kind: 'room' | 'substation', readings: object[]): Promise<void> {
    const client = await world.connect(device);
    await client.publishAsync(`heat/${kind}/${device.id}/telemetry`, JSON.stringify(readings), { qos: 1 });
    await client.endAsync();
  }

  beforeAll(async () => {
    world = await startWorld({ HEATWATCH_RULES_FILE: rulesFile() });
    const mild = await world.provision({ id: 'S-MILD', kind: 'substation', name: '一号站' });
    const frozen = await world.provision({ id: 'S-FROZEN', kind: 'substation', name: '二号站' });
    const hourly = (date: string, outdoorTemp: number) => Array.from({ length: 24 }, (_, h) => ({ ts: localMidnight(date) + h * HOUR, supplyTemp: 85, returnTemp: 50, outdoorTemp }));
    await publish(mild, 'substation', hourly(d1, 0));
    // Below the design outdoor temperature (-7.7 °C) all day: its rooms' day is exempt.
    await publish(frozen, 'substation', hourly(d1, -10));

    const room = (id: string, substationId: string, roomType: 'bedroom' | 'living' | 'other') => world.provision({ id, substationId, roomType });
    await publish(await room('R-WARM', 'S-MILD', 'bedroom'), 'room', [...quarterHours(d1, 21), ...quarterHours(d2, 20.5)]);
    await publish(await room('R-COLD', 'S-MILD', 'living'), 'room', quarterHours(d1, 17));
    // Ten hours of readings: too few to judge the day.
    await publish(await room('R-PART', 'S-MILD', 'bedroom'), 'room', quarterHours(d1, 21, 0, 10));
    await publish(await room('R-FROZEN', 'S-FROZEN', 'bedroom'), 'room', quarterHours(d1, 16));
    // A kitchen is not in the promise (bedrooms and living rooms).
    await publish(await room('R-KITCHEN', 'S-MILD', 'other'), 'room', quarterHours(d1, 15));
  });
  afterAll(() => world.close());

  it('counts exactly the room-days a person would, the exempt day apart', async () => {
    const report = (await world.api<Report>('GET', `/api/reports?from=${d1}&to=${d2}`)).body;
    // By hand: R-WARM on d1 and d2 (21.0, 20.5: compliant), R-COLD on d1 (17.0: not);
    // R-PART has 10 h; R-FROZEN's d1 is exempt (outdoors -10 °C); the kitchen does not count.
    expect(report.rooms).toMatchObject({ rooms: 4, roomDays: 3, compliantRoomDays: 2, exemptRoomDays: 1, complianceRate: 2 / 3 });
    expect(report.thresholdC).toBe(18);
    expect(report.rooms.byDay).toEqual([
      { date: d1, roomDays: 2, compliantRoomDays: 1, exemptRoomDays: 1, complianceRate: 0.5 },
      { date: d2, roomDays: 1, compliantRoomDays: 1, exemptRoomDays: 0, complianceRate: 1 },
    ]);
    expect(report.rooms.bySubstation.map((s) => [s.substationId, s.rooms, s.roomDays, s.compliantRoomDays, s.exemptRoomDays])).toEqual([
      ['S-FROZEN', 1, 0, 0, 1],
      ['S-MILD', 3, 3, 2, 0],
    ]);
    expect(report.visits).toEqual({ done: 0, refused: 0, sensorsFlagged: 0 });
  });

  it('hands on the same figures as a workbook with Chinese headers, a sheet per substation, and the room-day table as CSV', async () => {
    const get = (format: string) => fetch(`http://127.0.0.1:${world.app.httpPort}/api/reports?from=${d1}&to=${d2}&format=${format}`, { headers: { authorization: `Bearer ${world.adminToken}` } });
    const xlsx = await get('xlsx');
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概况', '每日', '换热站', '工单', '回访', '二号站', '一号站']);
    const summary = wb.getWorksheet('概况')!;
    const row = (label: string) => summary.getSheetValues().find((r) => Array.isArray(r) && r[1] === label) as unknown[];
    expect(row('室温合格率').slice(2, 4)).toEqual([0.6667, 0.97]);
    expect(row('不计考核测温点日')[2]).toBe(1);
    // Per substation: its rooms' days beside its tickets.
    const stations = wb.getWorksheet('换热站')!.getSheetValues().slice(1) as unknown[][];
    expect(stations.map((r) => r.slice(1))).toEqual([
      ['换热站编号', '换热站', '测温点数', '考核测温点日', '合格', '不计考核', '合格率', '开单', '已关闭', '按时', '超时'],
      ['S-FROZEN', '二号站', 1, 0, 0, 1, '—', 0, 0, 0, 0],
      ['S-MILD', '一号站', 3, 3, 2, 0, 0.6667, 0, 0, 0, 0],
    ]);
    // 一号站: R-WARM's two days, R-COLD's and R-PART's (too few hours) — as a person reads them.
    const mild = wb.getWorksheet('一号站')!.getSheetValues().slice(2) as unknown[][];
    expect(mild.map((r) => [r[2], r[1], r[8]])).toEqual(
      expect.arrayContaining([
        ['R-WARM', d1, '合格'],
        ['R-WARM', d2, '合格'],
        ['R-COLD', d1, '不合格'],
        ['R-PART', d1, '读数不足 12 小时'],
      ]),
    );
    expect(mild).toHaveLength(4);

    const bytes = new Uint8Array(await (await get('csv')).arrayBuffer());
    // A byte-order mark first: Excel then reads the Chinese as UTF-8.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes);
    expect(csv.startsWith('日期,测温点编号,测温点,地址,换热站,有读数小时数,日平均室温 (℃),判定,室外日平均 (℃),不计考核原因\r\n')).toBe(true);
    // Each day counted apart says why, with the day's mean outdoors it was judged on.
    expect(csv).toMatch(new RegExp(`${d1},R-FROZEN,测温点 R-FROZEN,,二号站,24,16,不计考核,-\\d+(\\.\\d)?,室外日平均温度低于设计温度\r\n`));
    expect(csv.trim().split('\r\n')).toHaveLength(1 + 5);
  });

  it('shows the same figures on the 报表 page in Chromium, against their targets', async () => {
    const api = (await world.api<Report>('GET', `/api/reports?from=${d1}&to=${d2}`)).body;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await signInOnDashboard(page, world);
      await page.getByTestId('nav-report').click();
      await page.locator('input[name=from]').fill(d1);
      await page.locator('input[name=to]').fill(d2);
      await page.getByRole('button', { name: '查询' }).click();
      await page.getByTestId('report-period').filter({ hasText: `${d1} 至 ${d2}` }).waitFor();
      const compliance = page.getByTestId('kpi-compliance');
      expect(Number(await compliance.getAttribute('data-rate'))).toBe(api.rooms.complianceRate);
      expect(await compliance.textContent()).toContain('66.6 %'); // 2 of 3, not rounded up
      expect(await compliance.getAttribute('class')).toContain('missed'); // below the 97 % target
      const rows = await page.getByTestId('report-by-substation').locator('tbody tr').allInnerTexts();
      expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual(['二号站 1 0 0 1 — 0 0 0', '一号站 3 3 2 0 66.6 % 0 0 0']);
      expect(await page.getByTestId('report-by-day').locator('tbody tr').count()).toBe(api.rooms.byDay.length);
      // No visit in this range: said, not left out.
      expect(await page.getByTestId('report-visits').textContent()).toBe('走访测温 0 户次，其中拒签 0 户次，标记待校准测温点 0 个');
      // The chart: a column per day, d1 (50 %) red below the 97 % line, d2 (100 %) green above it.
      const columns = page.getByTestId('compliance-chart').locator('rect');
      expect(await columns.evaluateAll((els) => els.map((e) => [e.getAttribute('data-date'), e.getAttribute('data-state')]))).toEqual([
        [d1, 'missed'],
        [d2, 'met'],
      ]);
      const [low, high] = await columns.evaluateAll((els) => els.map((e) => (e as SVGRectElement).getBBox().height));
      expect(high).toBeGreaterThan(low!);
    } finally {
      await browser.close();
    }
  });

  it('does not count a day that is not over yet', async () => {
    const report = (await world.api<Report>('GET', `/api/reports?from=${today}&to=${today}`)).body;
    expect(report.rooms).toMatchObject({ roomDays: 0, complianceRate: null, byDay: [] });
  });

  it('counts a registered stop as exempt for its substation', async () => {
    const start = localMidnight(d2) + 20 * HOUR;
    const stop = { substationId: 'S-MILD', startsAt: new Date(start).toISOString(), endsAt: new Date(start + HOUR).toISOString(), reason: '检修' };
    expect((await world.api('POST', '/api/outages', stop)).status).toBe(201);
    const report = (await world.api<Report>('GET', `/api/reports?from=${d2}&to=${d2}`)).body;
    expect(report.rooms).toMatchObject({ roomDays: 0, exemptRoomDays: 1 });
    expect(report.notices).toEqual({ stops: 1, lateNotices: 1 });
  });

  it('refuses a range backwards or over a year, and a viewer', async () => {
    const backwards = await world.api<ErrorBody>('GET', `/api/reports?from=${d2}&to=${d1}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toContain('query to');
    expect((await world.api('GET', `/api/reports?from=2025-01-01&to=2026-06-01`)).status).toBe(400);
    expect((await world.api('GET', `/api/reports?from=2026-02-30&to=2026-03-01`)).status).toBe(400);
    const viewer = await login(world, 'viewer1', 'viewer');
    expect((await world.api('GET', `/api/reports?from=${d1}&to=${d2}`, undefined, viewer)).status).toBe(403);
    expect((await world.api('GET', `/api/reports?from=${d1}&to=${d2}`, undefined, null)).status).toBe(401);
  });
});

describe('ticket figures from tickets taken through their lifecycle', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await startWorld({ HEATWATCH_RULES_FILE: rulesFile() });
  });
  afterAll(() => world.close());

  it('closure, timeliness and callbacks as counted by hand', async () => {
    const engineer = await login(world, 'eng1', 'engineer');
    const open = async (type: string) => (await world.api<Ticket>('POST', '/api/tickets', { type, description: '测试' })).body;
    const step = (id: string, action: string, body: object = {}, token = engineer) => world.api<Ticket>('POST', `/api/tickets/${id}/${action}`, body, token);

    // A repair, on site within its hour, resolved, called back and closed.
    const repair = await open('repair');
    await step(repair.id, 'acknowledge');
    await step(repair.id, 'on-site');
    await step(repair.id, 'resolve', { cause: '阀门更换' });
    await step(repair.id, 'callback', { satisfaction: 'satisfied', calledNumber: '13800000000' }, world.adminToken);
    expect((await step(repair.id, 'close', {}, world.adminToken)).body.status).toBe('closed');
    // A leak due 1.2 s after it opened: on site only once it is overdue.
    const leak = await open('leak');
    await eventually(async () => (await world.api<Ticket>('GET', `/api/tickets/${leak.id}`)).body.deadlineState === 'breached', 10_000);
    await step(leak.id, 'acknowledge');
    expect((await step(leak.id, 'on-site')).body.deadlineState).toBe('breached');
    // An inquiry still waiting for its first reply (due in 30 min): neither in time nor late yet.
    await open('inquiry');

    const today = localDateOf(Date.now());
    const report = (await world.api<Report>('GET', `/api/reports?from=${today}&to=${today}`)).body;
    expect(report.tickets).toMatchObject({ opened: 3, closed: 1, closureRate: 1 / 3, timelinessRate: 0.5, bySource: { rule: 0, hotline: 3 } });
    expect(report.tickets.byType).toEqual({
      repair: { opened: 1, closed: 1, onTime: 1, late: 0 },
      leak: { opened: 1, closed: 0, onTime: 0, late: 1 },
      inquiry: { opened: 1, closed: 0, onTime: 0, late: 0 },
    });
    // Hotline calls without a sensor: about no substation.
    expect(report.tickets.bySubstation).toEqual([{ substationId: null, opened: 3, closed: 1, onTime: 1, late: 1 }]);
    // The repair's callback is due within 3 working days (in a later range), and was made.
    const soon = (await world.api<Report>('GET', `/api/reports?from=${today}&to=${addDays(today, 14)}`)).body;
    expect(soon.callbacks).toEqual({ due: 1, done: 1, onTime: 1, late: 0, satisfied: 1, basicallySatisfied: 0, dissatisfied: 0, satisfactionRate: 1 });

    // The history of the range, in the order it happened, beyond the 5 000-row cap of the queue.
    const history = (await world.api<{ tickets: Ticket[] }>('GET', `/api/tickets?from=${today}&to=${today}`)).body.tickets;
    expect(history.map((t) => t.type)).toEqual(['repair', 'leak', 'inquiry']);
    expect((await world.api('GET', `/api/tickets?from=${today}`)).status).toBe(400);
    expect((await world.api('GET', '/api/tickets?limit=6000')).status).toBe(400);
    expect((await world.api('GET', `/api/tickets?from=${today}&to=${today}&limit=6000`)).status).toBe(200);

    const get = (format: string) => fetch(`http://127.0.0.1:${world.app.httpPort}/api/tickets?from=${today}&to=${today}&format=${format}`, { headers: { authorization: `Bearer ${world.adminToken}` } });
    const csv = new TextDecoder().decode(await (await get('csv')).arrayBuffer()).trim().split('\r\n');
    expect(csv[0]!.split(',').slice(-10)).toEqual(['回访时限状态', '满意度', '回访号码', '接单', '查明原因', '到达现场', '转协商', '处理完成', '回访', '关闭']);
    // The repair went through the five steps a repair takes, in Beijing time; it has no cause
    // to find apart from its repair, nor anything to negotiate.
    const repairRow = csv.find((l) => l.startsWith(`${repair.id},`))!.split(',');
    expect(repairRow.slice(0, 4)).toEqual([repair.id, '报修', '已关闭', '热线电话']);
    expect(repairRow.slice(-10, -7)).toEqual(['按时完成', '满意', '13800000000']);
    const [ack, diagnose, onSite, negotiate, ...rest] = repairRow.slice(-7);
    expect([ack, onSite, ...rest].every((v) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(v!))).toBe(true);
    expect([diagnose, negotiate]).toEqual(['', '']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await (await get('xlsx')).arrayBuffer());
    expect(wb.getWorksheet('工单')!.rowCount).toBe(1 + 3);
  });
});
