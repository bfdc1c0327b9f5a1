/**
 * 交接班 end to end in real Chromium (issue 15, part 5): the outgoing dispatcher at the desk
 * produces the sheet; the incoming one, already signed in on a phone (390 px), is cued live,
 * takes the shift over there, and the desk sees who did without reloading. Needs the built
 * dashboard (`npm run build`).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { launchChromium } from '../simulators/chromium.ts';
import { heatingAllYear, signInOnDashboard, startWorld, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld;
let browser: Browser;

beforeAll(async () => {
  world = await startWorld(heatingAllYear());
  for (const [username, displayName] of [
    ['zhao.gang', '赵刚'],
    ['sun.yue', '孙悦'],
  ]) {
    expect((await world.api('POST', '/api/users', { username, password: `${username}-password`, role: 'dispatcher', displayName })).status).toBe(201);
  }
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe('交接班 in Chromium', () => {
  it('the desk produces the sheet; the next dispatcher is cued on a phone, takes the shift over, and the desk sees it; it prints alone', async () => {
    const leak = (await world.api<Ticket>('POST', '/api/tickets', { type: 'leak', description: '楼道管道漏水', address: '春华小区 3 号楼', contact: '孙先生 13600000001' })).body;
    await world.provision({ id: 'SS-HO', kind: 'substation', name: '二号换热站', lat: 35.42, lng: 116.98 });
    const stop = await world.api('POST', '/api/outages', { substationId: 'SS-HO', kind: 'unplanned', startsAt: new Date(Date.now() - 3_600_000).toISOString(), reason: '一次网抢修', areas: '春华小区 1–6 号楼' });
    expect(stop.status).toBe(201);

    // The incoming dispatcher is already signed in on a phone, nothing waiting yet.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await signInOnDashboard(phone, world, 'sun.yue', 'sun.yue-password');
    await phone.getByTestId('live-status').filter({ hasText: '实时连接正常' }).waitFor();
    await phone.locator('[data-testid=nav-handover][data-waiting=false]').waitFor();

    const desk = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signInOnDashboard(desk, world, 'zhao.gang', 'zhao.gang-password');
    await desk.getByTestId('nav-handover').click();
    // The sheet as it is now, grouped: the open leak, the caller it was promised to, the stop.
    await desk.getByTestId('handover-tickets').getByText(leak.id).waitFor();
    expect(await desk.getByTestId('handover-promises').textContent()).toContain('孙先生 13600000001');
    const stops = await desk.getByTestId('handover-stops').textContent();
    expect(stops).toContain('二号换热站');
    expect(stops).toContain('恢复时间未定');
    await desk.locator('textarea[name=note]').fill('3 号楼漏水：抢修班已出发，孙先生等回电');
    await desk.getByTestId('handover-produce').click();
    const record = desk.getByTestId('handover-record');
    await record.waitFor();
    expect(await record.getByTestId('handover-from').textContent()).toContain('赵刚');
    expect(await record.textContent()).toContain('待接班确认');
    // Its author cannot take it over.
    expect(await desk.getByTestId('handover-acknowledge').count()).toBe(0);

    // The phone is cued by the live hub: well before the minute's poll would have asked.
    await phone.locator('[data-testid=nav-handover][data-waiting=true]').waitFor({ timeout: 10_000 });
    await phone.getByTestId('nav-handover').click();
    // Opened at the waiting sheet, the note first.
    await phone.getByTestId('handover-note').filter({ hasText: '孙先生等回电' }).waitFor();
    await phone.locator('input[name=ackNote]').fill('已接班，10 点前回电孙先生');
    await phone.getByTestId('handover-acknowledge').click();
    await phone.getByTestId('handover-taken').filter({ hasText: '孙悦' }).waitFor();
    await phone.locator('[data-testid=nav-handover][data-waiting=false]').waitFor();
    expect(await phone.getByTestId('handover-from').textContent()).toContain('赵刚');
    expect(await phone.getByTestId('handover-print').isVisible()).toBe(true);
    // Nothing wider than the phone.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    // The desk sees who took it over, without reopening the page, in the sheet and the records.
    await record.getByTestId('handover-taken').filter({ hasText: '孙悦' }).waitFor();
    expect(await record.getByTestId('handover-taken').textContent()).toContain('已接班，10 点前回电孙先生');
    expect(await desk.getByTestId('handover-item').first().textContent()).toContain('接班：孙悦');

    // Printed: the sheet with both names, without the top bar, the records or the buttons.
    await desk.emulateMedia({ media: 'print' });
    expect(await desk.locator('header.bar').isVisible()).toBe(false);
    expect(await desk.getByTestId('handover-list').isVisible()).toBe(false);
    expect(await desk.getByTestId('handover-print').isVisible()).toBe(false);
    expect(await desk.getByTestId('handover-sheet').isVisible()).toBe(true);
    expect(await desk.getByTestId('handover-from').isVisible()).toBe(true);
    expect(await desk.getByTestId('handover-taken').isVisible()).toBe(true);
    await desk.close();
    await phone.close();
  });
});
