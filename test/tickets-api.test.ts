/** Hotline tickets, the lifecycle with its timeline, outages and the live `ticket` event, over real HTTP. */
import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket, TimelineEntry } from '../ingest/contracts/tickets.ts';
import { eventually, heatingAllYear, startWorld, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld;
let engineer: string;
let viewer: string;
type ErrorBody = { error: { code: string; message: string } };

beforeAll(async () => {
  world = await startWorld(heatingAllYear());
  await world.provision({ id: 'SS-T', kind: 'substation', name: '三号换热站', address: '邹城市 钢山街道' });
  await world.provision({ id: 'R-T', substationId: 'SS-T', roomType: 'living', address: '幸福小区 3-2-501' });
  const tokens: string[] = [];
  for (const [username, role] of [['eng', 'engineer'], ['view', 'viewer']] as const) {
    await world.api('POST', '/api/users', { username, password: `${username}-password`, role });
    tokens.push((await world.api<{ token: string }>('POST', '/api/login', { username, password: `${username}-password` }, null)).body.token);
  }
  [engineer, viewer] = tokens as [string, string];
});
afterAll(() => world.close());

const HOUR = 3_600_000;

describe('hotline tickets (热线 5316206)', () => {
  it('opens a leak ticket due on site within 1 h, and pushes it live', async () => {
    const socket = connectSocket(`http://127.0.0.1:${world.app.httpPort}`, { auth: { token: world.adminToken }, transports: ['websocket'] });
    const pushed = new Promise<Ticket>((resolve) => socket.on('ticket', (t) => resolve(t)));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const res = await world.api<Ticket>('POST', '/api/tickets', { type: 'leak', description: '楼道暖气管漏水', address: '幸福小区 3-2', contact: '王先生 138xxxx' });
    expect(res.status).toBe(201);
    const t = res.body;
    expect(t).toMatchObject({ type: 'leak', status: 'open', source: 'hotline', milestone: 'on_site', deadlineState: 'on_time', address: '幸福小区 3-2', contact: '王先生 138xxxx', parentId: null });
    expect(Date.parse(t.dueAt!) - Date.parse(t.openedAt)).toBe(HOUR);
    expect((await pushed).id).toBe(t.id);
    socket.close();
  });

  it('links a ticket to a device and its substation', async () => {
    const res = await world.api<Ticket>('POST', '/api/tickets', { type: 'temp_drop', description: '突然不热了', deviceId: 'R-T' });
    expect(res.body).toMatchObject({ deviceId: 'R-T', substationId: 'SS-T', address: '幸福小区 3-2-501', milestone: 'cause_found' });
    expect(Date.parse(res.body.dueAt!) - Date.parse(res.body.openedAt)).toBe(8 * HOUR);
  });

  it.each([
    [{ type: 'boiler_fire', description: 'x' }, 'type'],
    [{ type: 'room_temp_low', description: 'x' }, 'type'],
    [{ type: 'leak' }, 'description'],
    [{ type: 'leak', description: 'x', extra: 1 }, 'extra'],
  ])('refuses %j with 400', async (body, word) => {
    const res = await world.api<ErrorBody>('POST', '/api/tickets', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(word);
  });

  it('answers 404 for an unknown device, 403 for a viewer', async () => {
    expect((await world.api('POST', '/api/tickets', { type: 'repair', description: 'x', deviceId: 'nope' })).status).toBe(404);
    expect((await world.api('POST', '/api/tickets', { type: 'repair', description: 'x' }, viewer)).status).toBe(403);
  });
});

describe('the lifecycle', () => {
  it('goes open → acknowledged → on site → resolved → callback → closed, each step in the timeline with its actor', async () => {
    const t = (await world.api<Ticket>('POST', '/api/tickets', { type: 'repair', description: '阀门坏了' })).body;
    const step = (path: string, body: object = {}, token = engineer) => world.api<Ticket | ErrorBody>('POST', `/api/tickets/${t.id}/${path}`, body, token);

    const early = await step('on-site'); // not acknowledged yet
    expect(early.status).toBe(409);
    expect((early.body as ErrorBody).error.code).toBe('HW_TICKET_STEP');
    expect((await step('acknowledge', { note: '张工接单' })).body).toMatchObject({ status: 'acknowledged' });
    const onSite = (await step('on-site')).body as Ticket;
    expect(onSite).toMatchObject({ status: 'on_site', deadlineState: 'met' });
    expect(onSite.milestoneAt).not.toBeNull();
    const noCause = await step('resolve', {});
    expect(noCause.status).toBe(400);
    expect((noCause.body as ErrorBody).error.message).toContain('cause');
    const resolved = (await step('resolve', { cause: '阀门老化，已更换' })).body as Ticket;
    expect(resolved).toMatchObject({ status: 'resolved', cause: '阀门老化，已更换' });
    expect(resolved.callbackDueAt).not.toBeNull();
    expect(resolved).toMatchObject({ callbackState: 'on_time', callbackAt: null, satisfaction: null });
    expect((await step('close', {}, world.adminToken)).status).toBe(409); // a customer ticket needs its callback
    const callback = { satisfaction: 'basically_satisfied', calledNumber: '0537-5316206', note: '用户说暖气已热' };
    expect((await step('callback', callback, engineer)).status).toBe(403); // dispatch calls back
    // The callback records what the customer said and the number called: neither may be missing.
    for (const bad of [{ note: '用户满意' }, { ...callback, satisfaction: '很好' }, { ...callback, calledNumber: '找张三' }, { satisfaction: 'satisfied' }]) {
      const refused = await step('callback', bad, world.adminToken);
      expect(refused.status).toBe(400);
      expect((refused.body as ErrorBody).error.code).toBe('HW_BAD_REQUEST');
    }
    const called = (await step('callback', callback, world.adminToken)).body as Ticket;
    expect(called).toMatchObject({ status: 'callback_done', satisfaction: 'basically_satisfied', calledNumber: '0537-5316206', callbackState: 'met' });
    expect(Date.parse(called.callbackAt!)).toBeLessThanOrEqual(Date.parse(called.callbackDueAt!));
    expect((await step('close', {}, world.adminToken)).body).toMatchObject({ status: 'closed' });

    const detail = await world.api<Ticket & { timeline: TimelineEntry[] }>('GET', `/api/tickets/${t.id}`);
    // Alerting notes whom it paged (here: nobody is on duty); the lifecycle is the rest.
    const steps = detail.body.timeline.filter((e) => e.actor !== 'alerting');
    expect(detail.body.timeline.find((e) => e.actor === 'alerting')?.action).toBe('notify_skipped');
    expect(steps.map((e) => [e.action, e.actor])).toEqual([
      ['opened', 'admin'],
      ['acknowledge', 'eng'],
      ['on_site', 'eng'],
      ['resolve', 'eng'],
      ['callback', 'admin'],
      ['close', 'admin'],
    ]);
    expect(steps[1]!.note).toBe('张工接单');
    expect(steps[4]).toMatchObject({ note: '用户说暖气已热', data: { satisfaction: 'basically_satisfied', calledNumber: '0537-5316206' } });
  });

  it('gives a complex inquiry a first reply within 30 min, then its full answer within 5 days (服务承诺 二.4(3))', async () => {
    const t = (await world.api<Ticket>('POST', '/api/tickets', { type: 'inquiry', description: '询问今年供热费标准及减免政策', contact: '李女士' })).body;
    expect(t).toMatchObject({ milestone: 'first_reply' });
    expect(Date.parse(t.dueAt!) - Date.parse(t.openedAt)).toBe(30 * 60_000);
    const step = (path: string, body: object) => world.api<Ticket | ErrorBody>('POST', `/api/tickets/${t.id}/${path}`, body, engineer);

    const ack = (await step('acknowledge', { complex: true, note: '已向用户说明需核查' })).body as Ticket;
    expect(ack).toMatchObject({ status: 'acknowledged', milestone: 'full_answer', milestoneAt: null, deadlineState: 'on_time' });
    expect(Date.parse(ack.dueAt!) - Date.parse(t.openedAt)).toBe(5 * 24 * HOUR);
    const answered = (await step('resolve', { cause: '已书面答复收费标准' })).body as Ticket;
    expect(answered).toMatchObject({ status: 'resolved', deadlineState: 'met' });

    const detail = await world.api<Ticket & { timeline: TimelineEntry[] }>('GET', `/api/tickets/${t.id}`);
    // The first reply's timeliness and the new deadline as facts; the engineer's words as written.
    expect(detail.body.timeline[1]).toMatchObject({ action: 'acknowledge', note: '已向用户说明需核查', data: { firstReply: 'in_time', fullAnswerDueAt: ack.dueAt } });
  });

  it('refuses `complex` on anything but an inquiry', async () => {
    const t = (await world.api<Ticket>('POST', '/api/tickets', { type: 'repair', description: '阀门坏了' })).body;
    const res = await world.api<ErrorBody>('POST', `/api/tickets/${t.id}/acknowledge`, { complex: true }, engineer);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('inquir');
    expect((await world.api<Ticket>('GET', `/api/tickets/${t.id}`)).body.status).toBe('open');
  });

  it('lists and filters, open tickets first by deadline', async () => {
    const all = await world.api<{ tickets: Ticket[] }>('GET', '/api/tickets?status=active', undefined, viewer);
    expect(all.status).toBe(200);
    const due = all.body.tickets.map((t) => Date.parse(t.dueAt ?? '9999-01-01'));
    expect(due).toEqual([...due].sort((a, b) => a - b));
    const leaks = await world.api<{ tickets: Ticket[] }>('GET', '/api/tickets?type=leak');
    expect(leaks.body.tickets.every((t) => t.type === 'leak')).toBe(true);
    const bySubstation = await world.api<{ tickets: Ticket[] }>('GET', '/api/tickets?substationId=SS-T');
    expect(bySubstation.body.tickets.map((t) => t.type)).toEqual(['temp_drop']);
    expect((await world.api('GET', '/api/tickets?status=burning')).status).toBe(400);
    expect((await world.api('GET', '/api/tickets/T-999999')).status).toBe(404);
  });

  it('lets one of several people taking the same step at once take it, and tells the others it is taken', async () => {
    const t = (await world.api<Ticket>('POST', '/api/tickets', { type: 'temp_drop', description: '突然不热了', deviceId: 'R-T' })).body;
    const acks = await Promise.all(Array.from({ length: 5 }, () => world.api<ErrorBody>('POST', `/api/tickets/${t.id}/acknowledge`, {}, engineer)));
    expect(acks.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    // Finding the cause keeps the status: the second finding is refused all the same.
    const found = await Promise.all(
      ['阀门关闭', '管道堵塞'].map((cause) => world.api<ErrorBody>('POST', `/api/tickets/${t.id}/diagnose`, { cause, explanation: '已向用户说明' }, engineer)),
    );
    expect(found.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(found.find((r) => r.status === 409)!.body.error.message).toContain('already found');
    const detail = await world.api<Ticket & { timeline: TimelineEntry[] }>('GET', `/api/tickets/${t.id}`);
    expect(detail.body.timeline.map((e) => e.action)).toEqual(['opened', 'acknowledge', 'diagnose']);
  });
});

describe('planned outages (计划停热)', () => {
  it('flags an outage registered less than 24 h ahead as a broken notice, not one 25 h ahead', async () => {
    const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
    const late = await world.api<{ lateNotice: boolean }>('POST', '/api/outages', { substationId: 'SS-T', startsAt: at(23), endsAt: at(30), reason: '换热器检修' });
    const fine = await world.api<{ lateNotice: boolean }>('POST', '/api/outages', { substationId: 'SS-T', startsAt: at(25), endsAt: at(30), reason: '换热器检修' });
    expect([late.status, late.body.lateNotice, fine.status, fine.body.lateNotice]).toEqual([201, true, 201, false]);
    expect((await world.api<{ outages: unknown[] }>('GET', '/api/outages')).body.outages).toHaveLength(2);
  });
  it('refuses an unknown substation and an end before the start', async () => {
    const at = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
    expect((await world.api('POST', '/api/outages', { substationId: 'R-T', startsAt: at(30), endsAt: at(31), reason: 'x' })).status).toBe(400);
    expect((await world.api('POST', '/api/outages', { substationId: 'SS-T', startsAt: at(31), endsAt: at(30), reason: 'x' })).status).toBe(400);
  });
});

describe('a rule ticket', () => {
  it('keeps the event time of a buffered episode and shows the readings around it, not around when it arrived', async () => {
    const room = await world.provision({ id: 'R-BUFFERED', substationId: 'SS-T', roomType: 'bedroom' });
    const client = await world.connect(room);
    // A logger uploads six hours late: 16.5 °C from 06:00 to 06:40 of event time.
    const from = Date.now() - 6 * HOUR;
    const readings = Array.from({ length: 9 }, (_, i) => ({ ts: from + i * 5 * 60_000, temp: 16.5 }));
    await client.publishAsync('heat/room/R-BUFFERED/telemetry', JSON.stringify(readings), { qos: 1 });
    const t = await eventually(async () => (await world.api<{ tickets: Ticket[] }>('GET', '/api/tickets?deviceId=R-BUFFERED')).body.tickets[0], 10_000);
    expect(t.type).toBe('room_temp_low');
    expect(Date.parse(t.eventAt!)).toBe(from + 30 * 60_000); // the reading that completed 30 min below 18 °C
    expect(Date.parse(t.openedAt) - Date.parse(t.eventAt!)).toBeGreaterThan(5 * HOUR);
    const detail = (await world.api<Ticket & { readings: { ts: string; temp: number }[] }>('GET', `/api/tickets/${t.id}`)).body;
    expect(detail.readings.length).toBeGreaterThan(0);
    expect(detail.readings.every((r) => r.temp === 16.5)).toBe(true);
    // Hotline tickets have no event time of their own.
    expect((await world.api<Ticket>('POST', '/api/tickets', { type: 'repair', description: '阀门坏了' })).body.eventAt).toBeNull();
  });
});
