/**
 * One contract, two stores (issue 18): the ticket store's behaviour as the services rely on it,
 * run against SQLite (a file of its own) and PostgreSQL (a database of its own, migrated as a
 * node would). PostgreSQL also with two nodes opening the same room's ticket at once: the
 * database keeps exactly one open.
 */
import { describe, expect, it } from 'vitest';
import type { RuleFact } from '../ingest/contracts/rule-facts.ts';
import type { RuleId, TicketQuery } from '../ingest/contracts/tickets.ts';
import { createPgTicketStore } from '../ingest/adapters/postgres/pg-ticket-store.ts';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteTicketStore } from '../ingest/adapters/sqlite/sqlite-ticket-store.ts';
import type { NewTicket, TicketStore, TimelineInput } from '../ingest/ports/ticket-store.ts';
import { tempDir } from './support/heatwatch.ts';
import { pgPool, pgTwoPools } from './support/postgres.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T = Date.parse('2026-12-10T08:00:00+08:00');
const iso = (ms: number) => new Date(ms).toISOString();
const COLD: RuleFact[] = [{ fact: 'room_low', tempC: 16.2, belowC: 18, forMs: 2 * HOUR, lowestC: 15.8 }];

/** What the rules open for a cold room. */
const roomTicket = (deviceId: string, rule: RuleId = 'room_low', more: Partial<NewTicket> = {}): NewTicket => ({
  type: 'room_temp_low',
  status: 'open',
  source: 'rule',
  channel: null,
  rule,
  deviceId,
  substationId: 'SS-04',
  parentId: null,
  description: '',
  facts: COLD,
  address: '历下区文化东路 12 号 3-201',
  contact: null,
  openedAt: T,
  eventAt: T - HOUR,
  dueAt: T + 8 * HOUR,
  milestone: 'cause_found',
  milestoneAt: null,
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
  satisfaction: null,
  calledNumber: null,
  assigneeId: null,
  assigneeName: null,
  closedAt: null,
  ...more,
});

/** What a dispatcher opens from a customer's call. */
const callTicket = (more: Partial<NewTicket> = {}): NewTicket =>
  roomTicket('unused', 'room_low', {
    type: 'heating_quality',
    source: 'hotline',
    channel: 'phone',
    rule: null,
    deviceId: null,
    description: '暖气不热，卧室只有 15 度',
    facts: null,
    contact: '王先生 139-0000-0001',
    eventAt: null,
    milestone: 'on_site',
    ...more,
  });

const opened = (at = T): TimelineInput => ({ at, actor: 'rules', action: 'open', note: null, data: { facts: COLD, eventAt: iso(at - HOUR) } });
const step = (action: string, at: number, note: string | null = null): TimelineInput => ({ at, actor: 'zhao.gang', action, note });
const query = (q: Partial<TicketQuery>): TicketQuery => ({ format: 'json', limit: 500, ...q });

/** Opens each ticket in turn (so their ids follow the order given) and returns their ids. */
async function open(store: TicketStore, tickets: NewTicket[]): Promise<string[]> {
  const ids: string[] = [];
  for (const t of tickets) ids.push((await store.insert(t, opened(t.openedAt)))!.id);
  return ids;
}

const adapters: [string, () => Promise<TicketStore>][] = [
  ['SQLite', async () => createSqliteTicketStore(openDatabase(tempDir()))],
  ['PostgreSQL', async () => createPgTicketStore((await pgPool()).pool)],
];

describe.each(adapters)('the ticket store on %s', (_name, make) => {
  it('numbers tickets T-000001 on, keeps every field as given, and logs the opening with it', async () => {
    const store = await make();
    const room = roomTicket('R-1001');
    const first = await store.insert(room, opened());
    const second = await store.insert(callTicket(), { at: T + MINUTE, actor: 'sun.yue', action: 'open', note: '客户来电', data: { via: 'hotline', intake: 'phone' } });
    expect(first).toEqual({ id: 'T-000001', ...room, updatedAt: T });
    expect(second).toMatchObject({ id: 'T-000002', source: 'hotline', rule: null, deviceId: null, facts: null, updatedAt: T + MINUTE });
    expect(await store.get('T-000001')).toEqual(first);
    expect(await store.get('T-000003')).toBeUndefined();
    expect(await store.timeline('T-000001')).toEqual([{ at: iso(T), actor: 'rules', action: 'open', note: null, data: { facts: COLD, eventAt: iso(T - HOUR) } }]);
    expect(await store.timeline('T-000002')).toEqual([{ at: iso(T + MINUTE), actor: 'sun.yue', action: 'open', note: '客户来电', data: { via: 'hotline', intake: 'phone' } }]);
    expect(await store.timeline('T-000003')).toEqual([]);
  });

  it('refuses a second open ticket for a device and rule until the first is closed', async () => {
    const store = await make();
    const first = (await store.insert(roomTicket('R-1001'), opened()))!;
    expect(await store.insert(roomTicket('R-1001', 'room_low', { openedAt: T + HOUR }), opened(T + HOUR))).toBeNull();
    expect(await store.timeline(first.id)).toHaveLength(1);
    expect((await store.active()).map((t) => t.id)).toEqual([first.id]);

    // Another rule, another room, or a customer's call about the same room: each is a ticket of its own.
    const others = [
      await store.insert(roomTicket('R-1001', 'sudden_drop'), opened()),
      await store.insert(roomTicket('R-1002'), opened()),
      await store.insert(callTicket({ deviceId: 'R-1001' }), opened()),
      await store.insert(callTicket({ deviceId: 'R-1001' }), opened()),
    ];
    expect(others.every((t) => t !== null)).toBe(true);
    expect(new Set([first, ...others].map((t) => t!.id)).size).toBe(5);

    expect(await store.findOpen('R-1001', 'room_low')).toEqual(first);
    expect(await store.findOpen('R-1003', 'room_low')).toBeUndefined();
    await store.update(first.id, { status: 'closed', closedAt: T + DAY }, step('close', T + DAY));
    expect(await store.findOpen('R-1001', 'room_low')).toBeUndefined();
    const again = await store.insert(roomTicket('R-1001', 'room_low', { openedAt: T + 2 * DAY }), opened(T + 2 * DAY));
    expect(again).not.toBeNull();
    expect(again!.id).not.toBe(first.id);
    expect(await store.findOpen('R-1001', 'room_low')).toEqual(again);
  });

  it('updates the fields given, stamps the step time, and logs the step in the same go', async () => {
    const store = await make();
    const before = (await store.insert(roomTicket('R-1001'), opened()))!;
    const assigned = await store.update(
      before.id,
      { status: 'acknowledged', assigneeId: 'p-07', assigneeName: '张伟', updatedAt: 1 },
      { at: T + 10 * MINUTE, actor: 'sun.yue', action: 'assign', note: null, data: { assignee: 'p-07', name: '张伟' } },
    );
    expect(assigned).toEqual({ ...before, status: 'acknowledged', assigneeId: 'p-07', assigneeName: '张伟', updatedAt: T + 10 * MINUTE });
    expect(await store.get(before.id)).toEqual(assigned);

    const warm: RuleFact[] = [{ fact: 'room_warm_again', tempC: 19.1, recoverAtC: 18.5, forMs: HOUR }];
    expect(await store.update(before.id, { facts: warm, recoveredAt: T + 3 * HOUR }, step('recover', T + 3 * HOUR))).toMatchObject({ facts: warm, recoveredAt: T + 3 * HOUR, assigneeId: 'p-07' });
    expect(await store.update(before.id, { facts: null, cause: '用户阀门关闭' }, step('resolve', T + 4 * HOUR, '已开阀'))).toMatchObject({ facts: null, cause: '用户阀门关闭', status: 'acknowledged' });

    expect(await store.timeline(before.id)).toEqual([
      { at: iso(T), actor: 'rules', action: 'open', note: null, data: { facts: COLD, eventAt: iso(T - HOUR) } },
      { at: iso(T + 10 * MINUTE), actor: 'sun.yue', action: 'assign', note: null, data: { assignee: 'p-07', name: '张伟' } },
      { at: iso(T + 3 * HOUR), actor: 'zhao.gang', action: 'recover', note: null, data: null },
      { at: iso(T + 4 * HOUR), actor: 'zhao.gang', action: 'resolve', note: '已开阀', data: null },
    ]);
  });

  it('refuses to update a ticket that does not exist, and logs nothing for it', async () => {
    const store = await make();
    await expect(store.update('T-000404', { status: 'closed' }, step('close', T))).rejects.toThrow();
    expect(await store.get('T-000404')).toBeUndefined();
    expect(await store.timeline('T-000404')).toEqual([]);
  });

  it('gives every change of a ticket a later updatedAt, also two changes in the same millisecond', async () => {
    const store = await make();
    const t = (await store.insert(roomTicket('R-1001'), opened()))!;
    const first = await store.update(t.id, { assigneeId: 'p-07' }, step('assign', T));
    const second = await store.update(t.id, { status: 'acknowledged' }, step('acknowledge', T));
    expect([t.updatedAt, first.updatedAt, second.updatedAt]).toEqual([T, T + 1, T + 2]);
    // A step later in time is stamped with its own time.
    expect((await store.update(t.id, { status: 'on_site' }, step('on_site', T + HOUR))).updatedAt).toBe(T + HOUR);
  });

  it('writes a conditional change only to the ticket as it was read, and logs nothing otherwise', async () => {
    const store = await make();
    const read = (await store.insert(roomTicket('R-1001'), opened()))!;
    const mine = await store.updateIf(read.id, read.updatedAt, { status: 'acknowledged' }, step('acknowledge', T + MINUTE));
    expect(mine).toMatchObject({ status: 'acknowledged', updatedAt: T + MINUTE });
    // A second writer that read the ticket before that change is refused: nothing written or logged.
    expect(await store.updateIf(read.id, read.updatedAt, { status: 'acknowledged', assigneeId: 'p-09' }, step('acknowledge', T + MINUTE))).toBeNull();
    expect(await store.get(read.id)).toEqual(mine);
    expect((await store.timeline(read.id)).map((e) => e.action)).toEqual(['open', 'acknowledge']);
    expect(await store.updateIf('T-000404', T, { status: 'closed' }, step('close', T))).toBeNull();
  });

  it('lists the work to do most urgent first, the closed last, and narrows by every filter', async () => {
    const store = await make();
    const [late, noDeadline, soon, closed, call, other] = await open(store, [
      roomTicket('R-1001', 'room_low', { dueAt: T + 8 * HOUR, assigneeId: 'p-07' }),
      roomTicket('R-1002', 'offline', { type: 'sensor_offline', dueAt: null }),
      roomTicket('R-1003', 'sudden_drop', { type: 'temp_drop', dueAt: T + HOUR, status: 'acknowledged' }),
      roomTicket('R-1004', 'room_low', { dueAt: T, status: 'closed', closedAt: T }),
      callTicket({ dueAt: T + 8 * HOUR, channel: 'hotline_12345', substationId: 'SS-07', assigneeId: 'p-07' }),
      roomTicket('R-2001', 'room_low', { dueAt: T + 2 * HOUR, substationId: 'SS-07' }),
    ]);
    const ids = async (q: Partial<TicketQuery>) => (await store.list(query(q))).map((t) => t.id);

    // Equal deadlines in the order opened; no deadline after every deadline; closed at the end.
    expect(await ids({})).toEqual([soon, other, late, call, noDeadline, closed]);
    expect(await ids({ limit: 2 })).toEqual([soon, other]);
    expect(await ids({ status: 'active' })).toEqual([soon, other, late, call, noDeadline]);
    expect(await ids({ status: 'closed' })).toEqual([closed]);
    expect(await ids({ status: 'acknowledged' })).toEqual([soon]);
    expect(await ids({ type: 'room_temp_low' })).toEqual([other, late, closed]);
    expect(await ids({ channel: 'hotline_12345' })).toEqual([call]);
    expect(await ids({ deviceId: 'R-1002' })).toEqual([noDeadline]);
    expect(await ids({ substationId: 'SS-07' })).toEqual([other, call]);
    expect(await ids({ assignee: 'p-07' })).toEqual([late, call]);
    expect(await ids({ substationId: 'SS-07', type: 'room_temp_low' })).toEqual([other]);
    expect(await ids({ deviceId: 'R-9999' })).toEqual([]);
  });

  it('lists a range of Beijing dates as history, both dates included, in the order opened', async () => {
    const store = await make();
    const dayStart = Date.parse('2026-12-10T00:00:00+08:00');
    const [lastDay, dayBefore, firstInstant, lastInstant, dayAfter, sameInstant] = await open(store, [
      roomTicket('R-1001', 'room_low', { openedAt: dayStart + DAY + HOUR, dueAt: T }),
      roomTicket('R-1002', 'room_low', { openedAt: dayStart - 1 }),
      roomTicket('R-1003', 'room_low', { openedAt: dayStart, status: 'closed' }),
      roomTicket('R-1004', 'room_low', { openedAt: dayStart + 2 * DAY - 1 }),
      roomTicket('R-1005', 'room_low', { openedAt: dayStart + 2 * DAY }),
      roomTicket('R-1006', 'room_low', { openedAt: dayStart }),
    ]);
    const ids = async (q: Partial<TicketQuery>) => (await store.list(query(q))).map((t) => t.id);
    expect(await ids({ from: '2026-12-10', to: '2026-12-11' })).toEqual([firstInstant, sameInstant, lastDay, lastInstant]);
    expect(await ids({ from: '2026-12-10', to: '2026-12-11', limit: 1 })).toEqual([firstInstant]);
    expect(await ids({ from: '2026-12-09', to: '2026-12-09' })).toEqual([dayBefore]);
    expect(await ids({ from: '2026-12-12', to: '2026-12-31' })).toEqual([dayAfter]);
    expect(await ids({ from: '2026-12-10', to: '2026-12-10', status: 'active' })).toEqual([sameInstant]);
  });

  it('finds tickets by any part of their id, room, address, contact or description, newest first', async () => {
    const store = await make();
    const [room, call, plus86, valve] = await open(store, [
      roomTicket('R-1001', 'room_low', { openedAt: T }),
      callTicket({ openedAt: T + HOUR, address: '历城区花园路 8 号', contact: '王先生 139-0000-0001' }),
      callTicket({ openedAt: T + HOUR, address: null, contact: '+86 138 0000 0002', description: '楼道漏水' }),
      callTicket({ openedAt: T + 2 * HOUR, address: null, contact: null, description: '阀门开度 50%_调整' }),
    ]);
    const ids = async (text: string | null, digits: string | null = null, deviceIds?: string[], limit = 50) => (await store.search({ text, digits, deviceIds, limit })).map((t) => t.id);

    expect(await ids(call!)).toEqual([call]);
    expect(await ids(call!.toLowerCase())).toEqual([call]);
    expect(await ids('R-1001')).toEqual([room]);
    expect(await ids('r-100')).toEqual([room]);
    expect(await ids('文化东路')).toEqual([room]);
    expect(await ids('王先生')).toEqual([call]);
    expect(await ids('漏水')).toEqual([plus86]);
    // Newest first; opened at the same time, the later ticket first.
    expect(await ids('T-00000')).toEqual([valve, plus86, call, room]);
    expect(await ids('T-00000', null, undefined, 2)).toEqual([valve, plus86]);
    // % and _ are what they say, not wildcards.
    expect(await ids('50%_')).toEqual([valve]);
    expect(await ids('0%')).toEqual([valve]);
    expect(await ids('开_')).toEqual([]);
    expect(await ids('nothing like it')).toEqual([]);

    // A phone number however it was typed.
    expect(await ids(null, '13900000001')).toEqual([call]);
    expect(await ids(null, '0000000')).toEqual([plus86, call]);
    expect(await ids(null, '13800000002')).toEqual([plus86]);
    expect(await ids(null, '8613800000002')).toEqual([]);

    // The rooms of a household, alone or with the text: either is enough.
    expect(await ids(null, null, ['R-1001', 'R-9999'])).toEqual([room]);
    expect(await ids('漏水', null, ['R-1001'])).toEqual([plus86, room]);
    expect(await ids(null, null, [])).toEqual([]);
  });

  it('gives the tickets not closed, in the order they were opened', async () => {
    const store = await make();
    expect(await store.active()).toEqual([]);
    const [a, , c] = await open(store, [
      roomTicket('R-1001', 'room_low', { dueAt: T + 8 * HOUR, openedAt: T + HOUR }),
      roomTicket('R-1002', 'room_low', { status: 'closed', closedAt: T }),
      roomTicket('R-1003', 'room_low', { dueAt: T, status: 'resolved', openedAt: T }),
    ]);
    const active = await store.active();
    expect(active.map((t) => t.id)).toEqual([a, c]);
    expect(active[0]).toEqual(await store.get(a!));
  });

  it('reports the tickets opened in a range and those whose callback falls due in it', async () => {
    const store = await make();
    const from = T;
    const to = T + DAY;
    await open(store, [
      callTicket({ openedAt: T - DAY, channel: 'letter', status: 'callback_done', dueAt: T - 20 * HOUR, milestoneAt: T - 22 * HOUR, resolvedAt: T - 2 * HOUR, callbackDueAt: T + HOUR, callbackAt: T + 30 * MINUTE, satisfaction: 'basically_satisfied' }),
      roomTicket('R-1001', 'room_low', { openedAt: T + HOUR, exempt: 'outdoor_below_design' }),
      callTicket({ openedAt: T - 2 * DAY, callbackDueAt: T + DAY }),
      roomTicket('R-1002', 'room_low', { openedAt: T + DAY }),
      roomTicket('R-1003', 'room_low', { openedAt: T - 1 }),
    ]);
    const report = (await store.forReport(from, to)).sort((a, b) => a.openedAt - b.openedAt);
    expect(report).toEqual([
      { type: 'heating_quality', substationId: 'SS-04', source: 'hotline', channel: 'letter', status: 'callback_done', openedAt: T - DAY, dueAt: T - 20 * HOUR, milestoneAt: T - 22 * HOUR, exempt: null, callbackDueAt: T + HOUR, callbackAt: T + 30 * MINUTE, satisfaction: 'basically_satisfied' },
      { type: 'room_temp_low', substationId: 'SS-04', source: 'rule', channel: null, status: 'open', openedAt: T + HOUR, dueAt: T + 8 * HOUR, milestoneAt: null, exempt: 'outdoor_below_design', callbackDueAt: null, callbackAt: null, satisfaction: null },
    ]);
    expect(await store.forReport(T + 2 * DAY, T + 3 * DAY)).toEqual([]);
  });

  it("gives the rooms an engineer found exempt, from the episode's start to its resolution", async () => {
    const store = await make();
    const from = T;
    const to = T + DAY;
    await open(store, [
      roomTicket('R-1001', 'room_low', { openedAt: T - DAY, eventAt: T - 26 * HOUR, exempt: 'building_envelope', resolvedAt: T + HOUR }),
      roomTicket('R-1002', 'room_low', { openedAt: T + HOUR, eventAt: null, exempt: 'customer_installation' }),
      roomTicket('R-1003', 'room_low', { openedAt: T - 3 * DAY, exempt: 'building_envelope', resolvedAt: T - 1 }),
      roomTicket('R-1004', 'room_low', { openedAt: T + DAY, eventAt: T + DAY, exempt: 'building_envelope' }),
      roomTicket('R-1005', 'room_low', { exempt: 'outdoor_below_design' }),
      callTicket({ exempt: 'customer_installation' }),
    ]);
    const found = (await store.foundExemptions(from, to)).sort((a, b) => a.deviceId.localeCompare(b.deviceId));
    expect(found).toEqual([
      { deviceId: 'R-1001', since: T - 26 * HOUR, until: T + HOUR, reason: 'building_envelope' },
      { deviceId: 'R-1002', since: T + HOUR, until: null, reason: 'customer_installation' },
    ]);
  });

  it("gives the first time each lifecycle step was taken, for the tickets opened in the range", async () => {
    const store = await make();
    const [inRange, before] = await open(store, [roomTicket('R-1001', 'room_low', { openedAt: T }), roomTicket('R-1002', 'room_low', { openedAt: T - 1 })]);
    for (const [id, action, at] of [
      [inRange, 'acknowledge', T + 20 * MINUTE],
      [inRange, 'page', T + 5 * MINUTE],
      [inRange, 'acknowledge', T + 10 * MINUTE],
      [inRange, 'resolve', T + 5 * HOUR],
      [before, 'acknowledge', T + MINUTE],
    ] as const) {
      await store.update(id!, {}, step(action, at));
    }
    const steps = (await store.stepTimes(T, T + DAY)).sort((a, b) => a.at - b.at);
    expect(steps).toEqual([
      { ticketId: inRange, action: 'acknowledge', at: T + 10 * MINUTE },
      { ticketId: inRange, action: 'resolve', at: T + 5 * HOUR },
    ]);
    expect(await store.stepTimes(T + DAY, T + 2 * DAY)).toEqual([]);
  });
});

describe('the ticket store on PostgreSQL, two nodes at once', () => {
  async function twoNodes() {
    const { pool, other } = await pgTwoPools();
    return [createPgTicketStore(pool), createPgTicketStore(other)] as const;
  }

  it('lets exactly one of two nodes open a ticket for the same room and rule', async () => {
    const [a, b] = await twoNodes();
    for (let i = 0; i < 10; i++) {
      const room = `R-${1000 + i}`;
      const results = await Promise.all([a.insert(roomTicket(room), opened()), b.insert(roomTicket(room), opened())]);
      const winners = results.filter((t) => t !== null);
      expect(winners).toHaveLength(1);
      expect(await b.findOpen(room, 'room_low')).toEqual(winners[0]);
      expect(await a.timeline(winners[0]!.id)).toHaveLength(1);
    }
    expect(await a.active()).toHaveLength(10);
  });

  it('gives tickets two nodes open at once ids of their own', async () => {
    const [a, b] = await twoNodes();
    const rooms = Array.from({ length: 10 }, (_, i) => `R-${2000 + i}`);
    const tickets = await Promise.all(rooms.map((room, i) => (i % 2 ? a : b).insert(roomTicket(room), opened())));
    expect(new Set(tickets.map((t) => t!.id)).size).toBe(10);
    expect((await a.active()).map((t) => t.deviceId).sort()).toEqual(rooms);
  });

  it("keeps both nodes' steps on one ticket in its timeline", async () => {
    const [a, b] = await twoNodes();
    const t = (await a.insert(roomTicket('R-3000'), opened()))!;
    await Promise.all([a.update(t.id, { assigneeId: 'p-07' }, step('assign', T + MINUTE)), b.update(t.id, { status: 'acknowledged' }, step('acknowledge', T + MINUTE))]);
    expect(await b.get(t.id)).toMatchObject({ assigneeId: 'p-07', status: 'acknowledged' });
    expect((await a.timeline(t.id)).map((e) => e.action).sort()).toEqual(['acknowledge', 'assign', 'open']);
  });

  it('lets one of two nodes take a step on a ticket both read, and the other see it taken', async () => {
    const [a, b] = await twoNodes();
    for (let i = 0; i < 10; i++) {
      const read = (await a.insert(roomTicket(`R-${4000 + i}`), opened()))!;
      const results = await Promise.all([a, b].map((node) => node.updateIf(read.id, read.updatedAt, { status: 'acknowledged' }, step('acknowledge', T + MINUTE))));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await b.timeline(read.id)).map((e) => e.action)).toEqual(['open', 'acknowledge']);
    }
  });
});
