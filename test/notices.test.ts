/**
 * Heat stops and customer notices (issue 14) against a real HTTP SMS gateway: a planned stop
 * tells exactly its substation's households once each, on time or late as judged by when they
 * were told; an unplanned one says why and when heat is expected back; a change and heat back
 * are told too; a failed SMS is retried and shown; the public page shows the stop to anyone and
 * no person; while a stop lasts a cold room opens no ticket, and after it does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NoticeDeliveryView, OutageView, PublicStop } from '../ingest/contracts/outages.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { launchChromium } from '../simulators/chromium.ts';
import { eventually, heatingAllYear, signInOnDashboard, startWorld, type TestWorld } from './support/heatwatch.ts';

const H = 3_600_000;
const MIN = 60_000;

/** An SMS gateway: answers {"code":"0"} (accepted), or {"code":"41"} (refused) for a blocked number, or 503 while told to. */
async function startGateway() {
  const received: { phone: string; content: string }[] = [];
  const blocked = new Set<string>();
  let unavailable = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (unavailable > 0) {
        unavailable -= 1;
        return void res.writeHead(503).end();
      }
      const sms = JSON.parse(raw) as { phone: string; content: string };
      if (blocked.has(sms.phone)) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":"41"}');
      received.push(sms);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":"0"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    received,
    block: (phone: string) => blocked.add(phone),
    unblock: (phone: string) => blocked.delete(phone),
    failNext: (n: number) => (unavailable = n),
    to: (phone: string) => received.filter((m) => m.phone === phone),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function login(world: TestWorld, username: string, role: string): Promise<string> {
  await world.api('POST', '/api/users', { username, password: `${username}-password`, role });
  return (await world.api<{ token: string }>('POST', '/api/login', { username, password: `${username}-password` }, null)).body.token;
}

const PHONES = { a: '13900000001', b: '13900000002', c: '13900000003', other: '13900000009' };

describe('heat stops and their notices', () => {
  let world: TestWorld;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let viewer: string;
  const iso = (ms: number) => new Date(ms).toISOString();
  const register = (body: object) => world.api<OutageView>('POST', '/api/outages', body);
  const outage = async (id: number) => (await world.api<OutageView>('GET', `/api/outages/${id}`)).body;
  const settled = (id: number) => eventually(async () => ((o) => o.notices.pending === 0 && o)(await outage(id)), 15_000);

  beforeAll(async () => {
    gateway = await startGateway();
    world = await startWorld(heatingAllYear());
    await world.provision({ id: 'S-1', kind: 'substation', name: '一号换热站', address: '钢山街道' });
    await world.provision({ id: 'S-2', kind: 'substation', name: '二号换热站' });
    await world.provision({ id: 'R-1', substationId: 'S-1', roomType: 'bedroom' });
    const household = (id: string, phone: string, substationId: string, deviceIds: string[] = []) =>
      world.api('POST', '/api/households', { id, name: `住户${id}`, phone, address: `幸福小区 ${id}`, substationId, deviceIds });
    await household('H-A', PHONES.a, 'S-1', ['R-1']);
    await household('H-B', PHONES.b, 'S-1');
    await household('H-C', PHONES.c, 'S-1');
    await household('H-9', PHONES.other, 'S-2');
    const sms = { type: 'sms', url: gateway.url, bodyTemplate: '{"phone":"{{mobile}}","content":"{{text}}"}', successField: 'code', successValue: '0', customerNotices: true };
    expect((await world.api('PUT', '/api/alerting/channels/sms', { name: '短信网关', config: sms })).status).toBe(200);
    // An engineers' channel that is not for customers: never used for a notice.
    expect((await world.api('PUT', '/api/alerting/channels/team', { name: '抢修群', config: { type: 'webhook', url: `${gateway.url}-team` } })).status).toBe(200);
    viewer = await login(world, 'viewer1', 'viewer');
  });
  afterAll(async () => {
    await world?.close();
    await gateway?.close();
  });

  it('tells exactly the substation’s households once about a planned stop 48 h ahead: not late', async () => {
    const startsAt = Date.now() + 48 * H;
    const res = await register({ substationId: 'S-1', kind: 'planned', startsAt: iso(startsAt), endsAt: iso(startsAt + 8 * H), reason: '换热器检修', areas: '幸福小区 1–6 号楼' });
    expect(res.status).toBe(201);
    const o = await settled(res.body.id);
    expect(o.notices).toMatchObject({ households: 3, channels: 1, sent: 3, failed: 0, pending: 0 });
    expect(o.notices.firstSentAt).not.toBeNull();
    expect([o.lateNotice, o.status, o.kind]).toEqual([false, 'scheduled', 'planned']);
    expect([PHONES.a, PHONES.b, PHONES.c].map((p) => gateway.to(p).length)).toEqual([1, 1, 1]);
    expect(gateway.to(PHONES.other)).toEqual([]);
    const text = gateway.to(PHONES.a)[0]!.content;
    expect(text).toMatch(/^【停热通知】/);
    for (const part of ['换热器检修', '一号换热站', '幸福小区 1–6 号楼', '5316206']) expect(text).toContain(part);
  });

  it('judges a planned stop 2 h ahead late: its customers heard of it less than 24 h before', async () => {
    const startsAt = Date.now() + 2 * H;
    const res = await register({ substationId: 'S-2', startsAt: iso(startsAt), endsAt: iso(startsAt + H), reason: '管道碰头' });
    const o = await settled(res.body.id);
    expect([o.notices.sent, o.lateNotice]).toEqual([1, true]);
  });

  it('says why an unplanned stop happened and when heat is expected; a change and heat back are told too', async () => {
    const before = gateway.to(PHONES.b).length;
    const res = await register({ substationId: 'S-1', kind: 'unplanned', startsAt: iso(Date.now() - 30 * MIN), reason: '一次网管道爆裂' });
    expect(res.body).toMatchObject({ status: 'active', endsAt: null, lateNotice: false });
    await settled(res.body.id);
    const stop = gateway.to(PHONES.b).at(-1)!.content;
    expect(stop).toContain('一次网管道爆裂');
    expect(stop).toContain('预计恢复时间：另行通知');

    const restoreAt = Date.now() + 5 * H;
    const changed = await world.api<OutageView>('POST', `/api/outages/${res.body.id}/change`, { endsAt: iso(restoreAt) });
    expect(changed.body.revision).toBe(1);
    await settled(res.body.id);
    expect(gateway.to(PHONES.b).at(-1)!.content).toMatch(/^【时间变更】.*预计恢复时间变更为\d+月\d+日 \d\d:\d\d/);

    const ended = await world.api<OutageView>('POST', `/api/outages/${res.body.id}/end`, {});
    expect(ended.body).toMatchObject({ status: 'ended', revision: 2 });
    const o = await settled(res.body.id);
    expect(gateway.to(PHONES.b).at(-1)!.content).toMatch(/^【恢复供热通知】/);
    expect(gateway.to(PHONES.b).length - before).toBe(3); // one per change, no more
    expect(o.notices).toMatchObject({ sent: 9, failed: 0 });
    // Ended is ended: no second end, no change, no cancel.
    for (const step of ['end', 'cancel']) expect((await world.api('POST', `/api/outages/${res.body.id}/${step}`, {})).status).toBe(409);
  });

  it('retries a gateway that is down, marks a refused number failed, and sends it again when asked', async () => {
    gateway.failNext(1);
    gateway.block(PHONES.c);
    const startsAt = Date.now() + 30 * H;
    const res = await register({ substationId: 'S-1', startsAt: iso(startsAt), endsAt: iso(startsAt + H), reason: '阀门更换' });
    // The 503 is retried after 2 s; the refused number fails for good at once.
    const o = await settled(res.body.id);
    expect(o.notices).toMatchObject({ sent: 2, failed: 1 });
    const failed = (await world.api<{ notices: NoticeDeliveryView[] }>('GET', `/api/outages/${res.body.id}/notices`)).body.notices.filter((n) => n.status === 'failed');
    expect(failed.map((n) => [n.householdId, n.phone, n.channel])).toEqual([['H-C', PHONES.c, '短信网关']]);
    expect(failed[0]!.lastError).toContain('gateway refused');
    // A viewer sees who, masked.
    const masked = (await world.api<{ notices: NoticeDeliveryView[] }>('GET', `/api/outages/${res.body.id}/notices`, undefined, viewer)).body.notices;
    expect(masked.find((n) => n.householdId === 'H-C')!.phone).toBe('139****0003');
    expect((await world.api('POST', `/api/outages/${res.body.id}/notices/retry`, {}, viewer)).status).toBe(403);

    gateway.unblock(PHONES.c);
    expect((await world.api<{ retried: number }>('POST', `/api/outages/${res.body.id}/notices/retry`, {})).body.retried).toBe(1);
    expect((await settled(res.body.id)).notices).toMatchObject({ sent: 3, failed: 0 });
    // Cancelled before it began: those told are told it is off.
    const cancelled = await world.api<OutageView>('POST', `/api/outages/${res.body.id}/cancel`, {});
    expect(cancelled.body.status).toBe('cancelled');
    await settled(res.body.id);
    expect(gateway.to(PHONES.c).at(-1)!.content).toMatch(/^【取消停热】/);
  });

  it('refuses what makes no sense', async () => {
    const now = Date.now();
    const bad = async (body: object, status = 400) => expect((await register(body)).status).toBe(status);
    await bad({ substationId: 'S-1', kind: 'planned', startsAt: iso(now + H), reason: '检修' }); // planned without an end
    await bad({ substationId: 'S-1', startsAt: iso(now + 2 * H), endsAt: iso(now + H), reason: '检修' }); // ends before it starts
    await bad({ substationId: 'R-1', startsAt: iso(now + H), endsAt: iso(now + 2 * H), reason: '检修' }); // a room, not a substation
    await bad({ substationId: 'S-1', startsAt: iso(now + H), endsAt: iso(now + 2 * H), reason: '' });
    expect((await world.api('POST', '/api/outages', { substationId: 'S-1', startsAt: iso(now + H), endsAt: iso(now + 2 * H), reason: '检修' }, viewer)).status).toBe(403);
    expect((await world.api('POST', '/api/outages/999/end', {})).status).toBe(404);
  });

  it('shows current and upcoming stops on the public page to anyone, with no name and no phone', async () => {
    const api = await fetch(`http://127.0.0.1:${world.app.httpPort}/api/public/stops`);
    expect(api.status).toBe(200);
    const { stops } = (await api.json()) as { stops: PublicStop[] };
    expect(stops.map((s) => [s.substation, s.reason])).toEqual([
      ['二号换热站', '管道碰头'],
      ['一号换热站', '换热器检修'],
    ]);
    const page = await fetch(`http://127.0.0.1:${world.app.httpPort}/notices?substation=S-1`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('换热器检修');
    expect(html).not.toContain('管道碰头');
    for (const secret of [...Object.values(PHONES), '住户']) expect(html + JSON.stringify(stops)).not.toContain(secret);

    const browser = await launchChromium();
    try {
      const tab = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await tab.goto(`http://127.0.0.1:${world.app.httpPort}/notices`);
      await tab.getByText('幸福小区 1–6 号楼').waitFor();
      expect(await tab.getByRole('heading', { name: '停热公告' }).isVisible()).toBe(true);
      // Phone-first: nothing wider than the screen.
      expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    } finally {
      await browser.close();
    }
  });

  it('lets a dispatcher register a stop in the dashboard, warned first when its notice can only be late, and follow its notices', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await signInOnDashboard(page, world);
      await page.getByTestId('nav-outages').click();
      const form = page.getByTestId('stop-form');
      await form.locator('select[name=substationId]').selectOption('S-2');
      await form.getByTestId('stop-households').filter({ hasText: '受影响住户 1 户' }).waitFor();
      // Two hours from now, in Beijing time as the dispatcher reads the clock.
      const local = (ms: number) => new Date(ms + 8 * H).toISOString().slice(0, 16);
      await form.locator('input[name=startsAt]').fill(local(Date.now() + 2 * H));
      await form.locator('input[name=endsAt]').fill(local(Date.now() + 5 * H));
      await form.locator('input[name=reason]').fill('阀门检修');
      const before = (await world.api<{ outages: OutageView[] }>('GET', '/api/outages')).body.outages.length;
      await page.getByTestId('stop-save').click();
      await page.getByTestId('stop-late-warning').waitFor();
      expect(await page.getByTestId('stop-save').textContent()).toContain('仍要登记');
      expect((await world.api<{ outages: OutageView[] }>('GET', '/api/outages')).body.outages).toHaveLength(before);
      await page.getByTestId('stop-save').click();
      const card = page.locator('[data-testid=stop-card]', { hasText: '阀门检修' });
      await card.waitFor();
      const id = Number(await card.getAttribute('data-stop-id'));
      const saved = await settled(id);
      expect([saved.kind, saved.lateNotice, saved.notices.sent]).toEqual(['planned', true, 1]);
      // Opened: the household's notice, as sent.
      await card.locator('table[data-testid=stop-deliveries] tr[data-household="H-9"][data-status="sent"]').waitFor({ timeout: 15_000 });
      await card.getByTestId('stop-late').waitFor();

      // A room's ticket shows who lives there, to staff.
      const t = (await world.api<Ticket>('POST', '/api/tickets', { type: 'heating_quality', description: '卧室不热', deviceId: 'R-1' })).body;
      await page.goto(`http://127.0.0.1:${world.app.httpPort}/#ticket=${t.id}`);
      await page.reload();
      await page.getByTestId('household').filter({ hasText: '住户H-A' }).waitFor();
      expect(await page.getByTestId('household').textContent()).toContain(PHONES.a);
    } finally {
      await browser.close();
    }
  });

  it('opens no ticket for a cold room while its substation’s stop lasts, and judges it again once heat is back', async () => {
    const now = Date.now();
    const stop = await register({ substationId: 'S-1', kind: 'unplanned', startsAt: iso(now - 3 * H), reason: '停电' });
    const device = await world.provision({ id: 'R-2', substationId: 'S-1', roomType: 'bedroom' });
    const client = await world.connect(device);
    const cold = (from: number, to: number) => Array.from({ length: Math.floor((to - from) / (5 * MIN)) + 1 }, (_, i) => ({ ts: from + i * 5 * MIN, temp: 15.5 }));
    // An hour cold inside the stop: no ticket.
    await client.publishAsync('heat/room/R-2/telemetry', JSON.stringify(cold(now - 150 * MIN, now - 90 * MIN)), { qos: 1 });
    // Heat back 80 minutes ago; the room stays cold for the next 80: its ticket opens.
    await world.api('POST', `/api/outages/${stop.body.id}/end`, { at: iso(now - 80 * MIN) });
    const tickets = async () => (await world.api<{ tickets: Ticket[] }>('GET', '/api/tickets?deviceId=R-2')).body.tickets;
    expect(await tickets()).toEqual([]);
    await client.publishAsync('heat/room/R-2/telemetry', JSON.stringify(cold(now - 80 * MIN, now - MIN)), { qos: 1 });
    const opened = await eventually(async () => (await tickets()).find((t) => t.rule === 'room_low'), 10_000);
    expect(Date.parse(opened.eventAt!)).toBeGreaterThanOrEqual(now - 80 * MIN);
  });

  it('words the notices as an admin wrote them', async () => {
    const templates = (await world.api<Record<string, string>>('GET', '/api/notice-templates')).body;
    const dispatcher = await login(world, 'dispatch1', 'dispatcher');
    const mine = { ...templates, planned: '【停热】{{areas}}：{{start}}至{{restore}}停热，原因：{{reason}}。' };
    expect((await world.api('PUT', '/api/notice-templates', mine, dispatcher)).status).toBe(403);
    expect((await world.api('PUT', '/api/notice-templates', { ...mine, restore: '' })).status).toBe(400);
    expect((await world.api('PUT', '/api/notice-templates', mine)).status).toBe(200);
    const startsAt = Date.now() + 72 * H;
    const res = await register({ substationId: 'S-2', startsAt: iso(startsAt), endsAt: iso(startsAt + H), reason: '换表', areas: '春华小区' });
    await settled(res.body.id);
    expect(gateway.to(PHONES.other).at(-1)!.content).toMatch(/^【停热】春华小区：\d+月\d+日 \d\d:\d\d至\d+月\d+日 \d\d:\d\d停热，原因：换表。$/);
  });

  it('escapes what dispatch typed on the public page: a stop cannot inject a script', async () => {
    const startsAt = Date.now() + 96 * H;
    await register({ substationId: 'S-2', startsAt: iso(startsAt), endsAt: iso(startsAt + H), reason: '<script>alert(1)</script>', areas: '"><img src=x onerror=alert(2)>' });
    const html = await (await fetch(`http://127.0.0.1:${world.app.httpPort}/notices?substation=S-2`)).text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect((await fetch(`http://127.0.0.1:${world.app.httpPort}/notices?substation=%3Cx%3E`)).status).toBe(400);
  });
});
