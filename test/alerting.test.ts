/**
 * Alerting end to end (issue 6): a simulated pipe burst through MQTT pages the engineer on duty
 * through a real HTTP receiver within a second, the link in the message acknowledges it; and,
 * with an injected clock over a real SQLite file, escalation to the manager when nobody reacts,
 * reminders, retries, and a restart in the middle of an escalation.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelConfigSchema, createNotifier } from '../ingest/adapters/notifiers/create-notifier.ts';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteAlertStore } from '../ingest/adapters/sqlite/sqlite-alert-store.ts';
import type { Ticket, TimelineData, TimelineEntry } from '../ingest/contracts/tickets.ts';
import { rosterSchema } from '../ingest/core/alerting/roster.ts';
import { createAckLinks } from '../ingest/services/ack-links.ts';
import { createAlertingService } from '../ingest/services/alerting-service.ts';
import { eventually, startWorld, tempDir, type TestWorld } from './support/heatwatch.ts';

/** A real HTTP receiver: records every request body; answers 200 unless told to fail. */
async function startReceiver() {
  const received: { path: string; body: Record<string, unknown> }[] = [];
  let failNext = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(503).end();
        return;
      }
      received.push({ path: req.url ?? '', body: JSON.parse(raw || '{}') as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    failNext: (n: number) => (failNext = n),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const ROSTER = {
  people: [
    { id: 'zhang', name: '张工', mobile: '13800000001' },
    { id: 'wang', name: '王经理', mobile: '13800000009' },
  ],
  teams: [
    { id: 'north', name: '北区抢修班', substations: ['SS-A'], channels: ['hook'] },
    { id: 'managers', name: '干部值班', substations: '*', channels: ['hook'] },
  ],
  shifts: [
    { team: 'north', person: 'zhang', role: 'engineer', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' },
    { team: 'managers', person: 'wang', role: 'manager', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' },
  ],
};

describe('a simulated pipe burst, through the real pipeline', () => {
  let world: TestWorld;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    world = await startWorld();
    expect((await world.api('PUT', '/api/alerting/channels/hook', { name: '抢修群 webhook', config: { type: 'webhook', url: `${receiver.url}/hook` } })).status).toBe(200);
    expect((await world.api('PUT', '/api/alerting/roster', ROSTER)).status).toBe(200);
  });
  afterAll(async () => {
    await world?.close();
    await receiver?.close();
  });

  // How fast the page goes out (target: under 1 s) is measured by `npm run bench`, not here.
  it('pages the engineer on duty, and the link in the message acknowledges the ticket', async () => {
    const station = await world.provision({ id: 'SS-A', kind: 'substation', name: '一号换热站', address: '邹城市 钢山街道' });
    const client = await world.connect(station);
    // Primary supply pressure 0.85 MPa, then a burst: 0.55 MPa two minutes later.
    const now = Date.now();
    const steady = Array.from({ length: 6 }, (_, i) => ({ ts: now - 10 * 60_000 + i * 60_000, supplyPressure: 0.85, supplyTemp: 95, returnTemp: 55 }));
    await client.publishAsync('heat/substation/SS-A/telemetry', JSON.stringify(steady), { qos: 1 });
    await client.publishAsync('heat/substation/SS-A/telemetry', JSON.stringify([{ ts: now - 3 * 60_000, supplyPressure: 0.6, supplyTemp: 95, returnTemp: 55 }, { ts: now - 2 * 60_000, supplyPressure: 0.55, supplyTemp: 95, returnTemp: 55 }]), { qos: 1 });

    const page = await eventually(() => receiver.received.find((r) => r.body.title && String(r.body.title).includes('主管道事故')), 5000).catch(async (err: Error) => {
      const tickets = (await world.api('GET', '/api/tickets?substationId=SS-A')).body;
      throw new Error(`${err.message}; tickets: ${JSON.stringify(tickets)}; received: ${JSON.stringify(receiver.received)}`);
    });
    expect(page.body).toMatchObject({ recipients: [{ name: '张工', mobile: '13800000001' }] });
    expect(String(page.body.text)).toContain('一号换热站');

    const ticketId = String(page.body.ticketId);
    const ack = new URL(String(page.body.ackLink));
    const confirm = await fetch(`http://127.0.0.1:${world.app.httpPort}${ack.pathname}`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('确认接单');
    expect((await world.api<Ticket>('GET', `/api/tickets/${ticketId}`)).body.status).toBe('open'); // a GET does not act
    const done = await fetch(`http://127.0.0.1:${world.app.httpPort}${ack.pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(done.status).toBe(200);
    const detail = (await world.api<Ticket & { timeline: TimelineEntry[] }>('GET', `/api/tickets/${ticketId}`)).body;
    expect(detail.status).toBe('acknowledged');
    expect(detail.timeline.map((e) => [e.action, e.actor])).toEqual(expect.arrayContaining([['notified', 'alerting'], ['acknowledge', '张工']]));

    const forged = ack.pathname.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(`http://127.0.0.1:${world.app.httpPort}${forged}`, { method: 'POST' })).status).toBe(403);
  });

  it('派单: pages the person a ticket is given to, again only when it changes hands; 我的工单 lists it for their login', async () => {
    await world.api('PUT', '/api/alerting/roster', { ...ROSTER, people: ROSTER.people.map((p) => (p.id === 'zhang' ? { ...p, username: 'zhanggong' } : p)) });
    await world.api('POST', '/api/users', { username: 'zhanggong', password: 'zhanggong-password', role: 'engineer' });
    const zhang = (await world.api<{ token: string }>('POST', '/api/login', { username: 'zhanggong', password: 'zhanggong-password' }, null)).body.token;
    const t = (await world.api<Ticket>('POST', '/api/tickets', { type: 'inquiry', description: '暖气费咨询', address: '钢山街道 5 号' })).body;
    const assignments = () => receiver.received.filter((r) => String(r.body.title).startsWith('【派单】') && r.body.ticketId === t.id);

    expect((await world.api('POST', `/api/tickets/${t.id}/assign`, { personId: 'zhang' }, zhang)).status).toBe(403); // dispatch gives out work
    expect((await world.api('POST', `/api/tickets/${t.id}/assign`, { personId: 'nobody' })).status).toBe(400);
    const given = await world.api<Ticket>('POST', `/api/tickets/${t.id}/assign`, { personId: 'zhang', note: '就近处理' });
    expect(given.body.assignee).toEqual({ id: 'zhang', name: '张工' });
    const first = await eventually(() => assignments()[0]);
    expect(first.body).toMatchObject({ recipients: [{ name: '张工', mobile: '13800000001' }] });
    expect(String(first.body.text)).toContain('派单给：张工');
    expect(first.body.ackLink).toEqual(expect.stringContaining('/ack/'));
    // Given again to the same person: no second page. To someone else: they are told.
    await world.api('POST', `/api/tickets/${t.id}/assign`, { personId: 'zhang' });
    await world.api('POST', `/api/tickets/${t.id}/assign`, { personId: 'wang' });
    await eventually(() => assignments().length === 2);
    expect(assignments().map((r) => (r.body.recipients as { name: string }[])[0]!.name)).toEqual(['张工', '王经理']);
    const timeline = (await world.api<{ timeline: TimelineEntry[] }>('GET', `/api/tickets/${t.id}`)).body.timeline.filter((e) => e.action === 'assign');
    expect(timeline.map((e) => [e.actor, e.data, e.note])).toEqual([
      ['admin', { assignee: 'zhang', name: '张工' }, '就近处理'],
      ['admin', { assignee: 'zhang', name: '张工' }, null],
      ['admin', { assignee: 'wang', name: '王经理' }, null],
    ]);

    // 我的工单: the login linked to a roster person sees what is given to that person.
    await world.api('POST', `/api/tickets/${t.id}/assign`, { personId: 'zhang' });
    const mine = (await world.api<{ tickets: Ticket[] }>('GET', '/api/tickets?assignee=me&status=active', undefined, zhang)).body.tickets;
    expect(mine.map((x) => x.id)).toEqual([t.id]);
    expect((await world.api<{ tickets: Ticket[] }>('GET', '/api/tickets?assignee=me')).body.tickets).toEqual([]); // admin is nobody on the roster
  });

  it('tells who is paged right now for a substation, and never echoes a channel secret', async () => {
    const duty = await world.api<{ engineers: { name: string }[]; managers: { name: string }[] }>('GET', '/api/alerting/on-duty?substationId=SS-A');
    expect([duty.body.engineers.map((p) => p.name), duty.body.managers.map((p) => p.name)]).toEqual([['张工'], ['王经理']]);
    // The duty board names the channels as people know them.
    const board = (await world.api<{ teams: { team: { id: string }; channelNames: string[] }[] }>('GET', '/api/alerting/duty-board')).body.teams;
    expect(board.find((e) => e.team.id === 'north')!.channelNames).toEqual(['抢修群 webhook']);
    await world.api('PUT', '/api/alerting/channels/ding', { name: '钉钉群', config: { type: 'dingtalk', url: `${receiver.url}/robot/send?access_token=secret-token-123`, secret: 'SECabcdef0123456789' } });
    const listed = JSON.stringify((await world.api('GET', '/api/alerting/channels')).body);
    expect(listed).not.toContain('secret-token-123');
    expect(listed).not.toContain('SECabcdef0123456789');
  });
});

describe('escalation, reminders and retries, with an injected clock', () => {
  const t0 = Date.parse('2026-12-10T02:00:00+08:00');

  async function rig(dataDir: string, receiverUrl: string, clock: { now: number }, wakeSender?: () => void) {
    const db = openDatabase(dataDir);
    const store = createSqliteAlertStore(db);
    const ticket: Ticket = {
      id: 'T-000001',
      type: 'pipeline_accident',
      status: 'open',
      source: 'rule',
      channel: null,
      rule: 'substation_collapse',
      deviceId: 'SS-A',
      substationId: 'SS-A',
      parentId: null,
      description: '',
      facts: [{ fact: 'supply_fell', field: 'supplyPressure', from: 0.62, to: 0.32, withinMs: 5 * 60_000 }],
      address: null,
      contact: null,
      openedAt: new Date(t0).toISOString(),
      eventAt: new Date(t0).toISOString(),
      milestone: 'on_site',
      dueAt: new Date(t0 + 30 * 60_000).toISOString(),
      milestoneAt: null,
      deadlineState: 'on_time',
      exempt: null,
      recoveredAt: null,
      cause: null,
      diagnosedAt: null,
      explanation: null,
      negotiatingWith: null,
      accusedTeam: null,
      resolvedAt: null,
      callbackDueAt: null,
      callbackAt: null,
      callbackState: 'none',
      satisfaction: null,
      calledNumber: null,
      assignee: null,
      updatedAt: new Date(t0).toISOString(),
    };
    const notes: { action: string; data: TimelineData }[] = [];
    const service = createAlertingService({
      store,
      tickets: { find: async () => ticket },
      timeline: { record: async (_id, _actor, action, data) => void notes.push({ action, data }) },
      device: () => ({ name: '一号换热站', address: '' }),
      notifierFor: (c) => createNotifier(channelConfigSchema.parse(c.config)),
      links: createAckLinks(Buffer.alloc(32, 7), () => 'http://heatwatch.test'),
      clock: () => clock.now,
      logger: pino({ level: 'silent' }),
      wakeSender,
    });
    await store.putSetting('roster', rosterSchema.parse(ROSTER), t0);
    await store.putChannel({ id: 'hook', name: 'webhook', config: { type: 'webhook', url: `${receiverUrl}/hook` }, enabled: true, createdAt: t0 });
    return { service, ticket, notes, close: async () => (await service.close(), db.close()) };
  }

  it('on a node that does not send (another leads), wakes the sender for a page it planned instead of sending it', async () => {
    const receiver = await startReceiver();
    const dir = tempDir();
    const clock = { now: t0 };
    let wakes = 0;
    const follower = await rig(dir, receiver.url, clock, () => void wakes++);
    const leader = await rig(dir, receiver.url, clock);
    await leader.service.start();
    await follower.service.onTicketOpened(follower.ticket);
    expect(wakes).toBe(1);
    await leader.service.runNow();
    expect(receiver.received).toHaveLength(1);
    // The sender plans and sends its own without waking anyone.
    await follower.service.start();
    await follower.service.onTicketOpened({ ...follower.ticket, id: 'T-000002' });
    await eventually(() => receiver.received.length === 2);
    expect(wakes).toBe(1);
    await Promise.all([follower.close(), leader.close(), receiver.close()]);
  });

  it('pages once when two nodes send at the same moment (a leader that has not yet noticed it lost the lead)', async () => {
    const receiver = await startReceiver();
    const dir = tempDir();
    const clock = { now: t0 };
    const [a, b] = [await rig(dir, receiver.url, clock), await rig(dir, receiver.url, clock)];
    await a.service.onTicketOpened(a.ticket);
    await Promise.all([a.service.runNow(), b.service.runNow()]);
    clock.now = t0 + 5 * 60_000;
    await Promise.all([a.service.runNow(), b.service.runNow()]);
    expect(receiver.received.map((r) => String(r.body.title).slice(0, 4))).toEqual(['【主管道', '【升级】']);
    await Promise.all([a.close(), b.close(), receiver.close()]);
  });

  it('escalates to the manager after 5 min without acknowledgement, survives a restart in between, and pages only once', async () => {
    const receiver = await startReceiver();
    const dir = tempDir();
    const clock = { now: t0 };
    const first = await rig(dir, receiver.url, clock);
    await first.service.onTicketOpened(first.ticket);
    await first.service.runNow();
    expect(receiver.received.map((r) => String(r.body.title).slice(0, 6))).toEqual(['【主管道事故'.slice(0, 6)]);
    // The rule's facts, put into Chinese at the edge: the page says what happened.
    expect(String(receiver.received[0]!.body.text)).toContain('情况：一号换热站：一次供水压力 5 分钟内由 0.62 MPa 降至 0.32 MPa');
    await first.close();

    // Restarted at minute 3: nothing is sent again.
    clock.now = t0 + 3 * 60_000;
    const second = await rig(dir, receiver.url, clock);
    await second.service.runNow();
    expect(receiver.received).toHaveLength(1);
    // Minute 5, still open: the duty manager is called, with the engineer named.
    clock.now = t0 + 5 * 60_000;
    await second.service.runNow();
    expect(receiver.received).toHaveLength(2);
    const escalation = receiver.received[1]!.body;
    expect(String(escalation.title)).toMatch(/^【升级】【主管道事故】/);
    expect((escalation.recipients as { name: string }[]).map((r) => r.name)).toEqual(['王经理', '张工']);
    expect(String(escalation.text)).toContain('5 分钟内无人接单');
    // Acknowledged at minute 10: the reminder at 75 % of 30 min still goes (not on site yet)…
    second.ticket.status = 'acknowledged';
    clock.now = t0 + 23 * 60_000;
    await second.service.runNow();
    expect(String(receiver.received[2]!.body.title)).toMatch(/^【提醒】/);
    // …but once on site, the breach at minute 30 has nothing to say.
    second.ticket.status = 'on_site';
    second.ticket.milestoneAt = new Date(t0 + 25 * 60_000).toISOString();
    clock.now = t0 + 31 * 60_000;
    await second.service.runNow();
    expect(receiver.received).toHaveLength(3);
    // Planning the same ticket again (a replayed event) adds nothing.
    await second.service.onTicketOpened(second.ticket);
    await second.service.runNow();
    expect(receiver.received).toHaveLength(3);
    expect(second.notes.filter((n) => n.action === 'notified')).toHaveLength(2);
    await second.close();
    await receiver.close();
  });

  it('pages a substation incident once, and not the cold rooms linked under it while their page was held', async () => {
    const receiver = await startReceiver();
    const clock = { now: t0 };
    const room = await rig(tempDir(), receiver.url, clock);
    Object.assign(room.ticket, { type: 'room_temp_low', rule: 'room_low', deviceId: 'R-1', milestone: 'cause_found', dueAt: new Date(t0 + 8 * 3_600_000).toISOString() });
    await room.service.onTicketOpened(room.ticket);
    await room.service.runNow();
    clock.now = t0 + 6 * 60_000;
    room.ticket.parentId = 'T-000099'; // the incident opened and took the room under it
    clock.now = t0 + 11 * 60_000;
    await room.service.runNow();
    expect(receiver.received).toHaveLength(0);
    expect(await room.service.deliveriesFor('T-000001')).toEqual([]);
    await room.close();
    await receiver.close();
  });

  it('retries a failing receiver with backoff, raises the channel alarm on the third failure in a row, then logs the delivery', async () => {
    const receiver = await startReceiver();
    const clock = { now: t0 };
    const r = await rig(tempDir(), receiver.url, clock);
    receiver.failNext(3);
    await r.service.onTicketOpened(r.ticket);
    for (const wait of [0, 2_000, 10_000]) {
      clock.now += wait;
      await r.service.runNow();
      expect(receiver.received).toHaveLength(0);
    }
    expect(r.service.failingChannels()).toEqual(['hook']);
    clock.now += 59_000; // not yet: the fourth attempt waits a minute
    await r.service.runNow();
    expect(receiver.received).toHaveLength(0);
    clock.now += 1_000;
    await r.service.runNow();
    expect(receiver.received).toHaveLength(1);
    expect(r.service.failingChannels()).toEqual([]);
    expect((await r.service.deliveriesFor('T-000001')).map((x) => [x.kind, x.status, x.attempts])).toEqual([['page', 'sent', 4]]);
    expect(r.notes.map((n) => n.action)).toEqual(['notified']);
    await r.close();
    await receiver.close();
  });

});
