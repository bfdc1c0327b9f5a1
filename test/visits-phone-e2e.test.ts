/**
 * 今日走访 on a phone, end to end in real Chromium at 390 px against a running HeatWatch
 * (issue 16): an engineer linked to the duty roster opens their day, opens the planned visit,
 * measures and has the customer sign; the first send does not get through (the connection is
 * cut for that one request), the form says it is kept on the phone, it goes again when the
 * browser is back online and is stored; the recorded visit prints as 《客户走访记录》 with the
 * signature. The second engineer's customer refuses to sign: the neighbour, chosen by address, is
 * measured instead.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS, localDateOf, localMidnight } from '../ingest/contracts/beijing-time.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import type { Visit } from '../ingest/contracts/visits.ts';
import { launchChromium } from '../simulators/chromium.ts';
import { startWorld, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld;
let browser: Browser;
let visit: Visit;
let complaint: Ticket;
const ENGINEER = { username: 'zhangwei', password: 'zhangwei-password-1' };

beforeAll(async () => {
  world = await startWorld();
  await world.provision({ id: 'SS-PHONE', kind: 'substation', name: '泉城换热站' });
  await world.provision({ id: 'R-PHONE', substationId: 'SS-PHONE', roomType: 'living', name: '泉城小区 2-1-301 客厅', address: '泉城小区 2-1-301' });
  await world.api('POST', '/api/households', { id: 'H-PHONE', name: '郑晓光', phone: '13500000021', address: '泉城小区 2-1-301', substationId: 'SS-PHONE', deviceIds: ['R-PHONE'] });
  await world.api('PUT', '/api/alerting/roster', {
    people: [{ id: 'zhang', name: '张伟', username: ENGINEER.username }],
    teams: [{ id: 'quancheng', name: '泉城班组', substations: ['SS-PHONE'] }],
    shifts: [{ team: 'quancheng', person: 'zhang', role: 'engineer', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '17:00' }],
  });
  await world.api('POST', '/api/users', { ...ENGINEER, role: 'engineer', displayName: '张伟' });
  complaint = (await world.api<Ticket>('POST', '/api/tickets', { type: 'heating_quality', description: '客厅不热', deviceId: 'R-PHONE', contact: '郑先生 13500000021' })).body;
  // Today 10:00 Beijing time, whatever today is: the day the phone opens on.
  const scheduledAt = new Date(localMidnight(localDateOf(Date.now())) + 10 * HOUR_MS).toISOString();
  visit = (await world.api<Visit>('POST', '/api/visits', { householdId: 'H-PHONE', scheduledAt, staff: ['张伟', '李强'], ticketId: complaint.id })).body;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`http://127.0.0.1:${world.app.httpPort}/`);
  await page.locator('input[name=username]').fill(ENGINEER.username);
  await page.locator('input[name=password]').fill(ENGINEER.password);
  await page.locator('button[type=submit]').click();
  await page.getByTestId('live-status').waitFor();
}

/** A stroke across the pad, as a finger draws it. */
async function sign(page: Page): Promise<void> {
  const pad = page.getByTestId('signature-pad');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 20 + i * 25, box.y + box.height / 2 + (i % 2 ? -20 : 20));
  await page.mouse.up();
}

describe('今日走访 on a phone', () => {
  it('fills the planned visit, keeps it through a failed send, sends it again, and prints the record', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await signIn(phone);
    await phone.getByTestId('nav-my-day').click();

    // The day: the team, the planned visit with who and where, the team's complaint.
    const day = phone.getByTestId('my-day');
    await day.getByTestId('my-day-teams').filter({ hasText: '泉城班组' }).waitFor();
    const planned = day.locator(`[data-testid=my-day-visit][data-visit-id="${visit.id}"]`);
    expect(await planned.textContent()).toContain('郑晓光');
    expect(await planned.textContent()).toContain('泉城小区 2-1-301');
    expect(await planned.textContent()).toContain('10:00');
    await day.locator(`[data-testid=my-day-ticket][data-ticket-id="${complaint.id}"]`).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    // Big enough for a thumb.
    expect((await planned.getByTestId('my-day-open').boundingBox())!.height).toBeGreaterThanOrEqual(44);

    // The form, filled on site.
    await planned.getByTestId('my-day-open').click();
    const form = planned.getByTestId('visit-form');
    await form.locator('input[name=temp]').first().fill('17.2');
    await sign(phone);

    // The connection drops for the first send: the form stays on the phone and says so.
    let cut = 0;
    await phone.route(
      '**/api/visits/*/complete',
      async (route) => {
        cut += 1;
        await route.abort('internetdisconnected');
      },
      { times: 1 },
    );
    await form.getByTestId('visit-submit').click();
    await form.getByTestId('visit-kept').filter({ hasText: '已保存在手机上' }).waitFor();
    expect(cut).toBe(1);
    const kept = await phone.evaluate((id) => localStorage.getItem(`heatwatch.visit-form.${id}`), visit.id);
    expect(JSON.parse(kept!)).toMatchObject({ pending: true, draft: { rooms: [{ temp: '17.2' }], signature: expect.stringMatching(/^data:image\/png;base64,/) } });
    expect((await world.api<Visit>('GET', `/api/visits/${visit.id}`)).body.status).toBe('planned');

    // Back online: sent again by itself, stored, and cleared from the phone.
    await context.setOffline(true);
    await context.setOffline(false);
    const done = day.locator(`[data-testid=my-day-visit][data-visit-id="${visit.id}"][data-status=done]`);
    await done.waitFor({ timeout: 15_000 });
    const stored = (await world.api<Visit>('GET', `/api/visits/${visit.id}`)).body;
    expect(stored).toMatchObject({ status: 'done', signed: true, completedBy: ENGINEER.username, measurements: [{ room: '客厅', temp: 17.2, deviceId: 'R-PHONE' }] });
    expect(await phone.evaluate((id) => localStorage.getItem(`heatwatch.visit-form.${id}`), visit.id)).toBeNull();
    // The complaint's on-site step is the visit.
    expect((await world.api<Ticket>('GET', `/api/tickets/${complaint.id}`)).body.status).toBe('on_site');

    // The record, printed on A4 with the customer's signature.
    await done.getByTestId('my-day-open').click();
    await done.getByTestId('visit-print').click();
    const sheet = phone.getByTestId('visit-sheet');
    await sheet.waitFor();
    const text = (await sheet.textContent())!;
    for (const expected of ['华电邹城热力有限公司', '客户走访记录', '郑晓光', '泉城小区 2-1-301', '张伟、李强', '17.2', complaint.id]) expect(text).toContain(expected);
    const signature = sheet.getByTestId('visit-sheet-signature');
    await signature.waitFor();
    await phone.waitForFunction(() => (document.querySelector('[data-testid=visit-sheet-signature]') as HTMLImageElement | null)?.naturalWidth === 600);
    await phone.emulateMedia({ media: 'print' });
    expect(await phone.locator('header.bar').isVisible()).toBe(false);
    expect(await phone.getByTestId('visit-sheet-print').isVisible()).toBe(false);
    expect(await sheet.isVisible()).toBe(true);
    expect(await signature.isVisible()).toBe(true);
    await context.close();
  });

  it('lets the second engineer record a refusal to sign with the neighbour measured instead, the neighbour chosen by address', async () => {
    await world.api('POST', '/api/users', { username: 'liqiang', password: 'liqiang-password-1', role: 'engineer', displayName: '李强' });
    const roster = (await world.api<{ people: object[]; teams: object[]; shifts: object[] }>('GET', '/api/alerting/roster')).body;
    await world.api('PUT', '/api/alerting/roster', {
      ...roster,
      people: [...roster.people, { id: 'li', name: '李强', username: 'liqiang' }],
      shifts: [...roster.shifts, { team: 'quancheng', person: 'li', role: 'engineer', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '17:00' }],
    });
    await world.api('POST', '/api/households', { id: 'H-401', name: '钱多多', phone: '13500000041', address: '泉城小区 2-1-401', substationId: 'SS-PHONE' });
    await world.api('POST', '/api/households', { id: 'H-302', name: '孙立', phone: '13500000032', address: '泉城小区 2-1-302', substationId: 'SS-PHONE' });
    const scheduledAt = new Date(localMidnight(localDateOf(Date.now())) + 11 * HOUR_MS).toISOString();
    const refusing = (await world.api<Visit>('POST', '/api/visits', { householdId: 'H-401', scheduledAt, staff: ['李强', '张伟'] })).body;

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await phone.goto(`http://127.0.0.1:${world.app.httpPort}/`);
    await phone.locator('input[name=username]').fill('liqiang');
    await phone.locator('input[name=password]').fill('liqiang-password-1');
    await phone.locator('button[type=submit]').click();
    await phone.getByTestId('nav-my-day').click();
    const row = phone.locator(`[data-testid=my-day-visit][data-visit-id="${refusing.id}"]`);
    await row.getByTestId('my-day-open').click();
    const form = row.getByTestId('visit-form');
    await form.locator('input[name=temp]').first().fill('17.8');
    await form.locator('input[name=refused]').check();
    await form.locator('input[name=reason]').fill('用户认为温度计不准，拒绝签字');
    // The neighbours are listed by address, the refusing household not among them.
    const neighbour = form.locator('select[name=neighbourId]');
    await neighbour.locator('option[value="H-302"]').waitFor({ state: 'attached' });
    expect(await neighbour.locator('option[value="H-401"]').count()).toBe(0);
    await neighbour.selectOption('H-302');
    // Sent without the neighbour's temperature: refused on the phone, nothing stored.
    await form.getByTestId('visit-submit').click();
    await form.getByTestId('visit-problem').waitFor();
    await form.locator('input[name=neighbourTemp]').fill('18.1');
    await form.getByTestId('visit-submit').click();
    await phone.locator(`[data-testid=my-day-visit][data-visit-id="${refusing.id}"][data-status=done]`).waitFor();
    const stored = (await world.api<Visit>('GET', `/api/visits/${refusing.id}`)).body;
    expect(stored).toMatchObject({
      status: 'done',
      signed: false,
      completedBy: 'liqiang',
      measurements: [{ room: '客厅', temp: 17.8 }],
      refused: { reason: '用户认为温度计不准，拒绝签字', neighbourHouseholdId: 'H-302', neighbourMeasurements: [{ temp: 18.1 }] },
    });
    await context.close();
  });
});
