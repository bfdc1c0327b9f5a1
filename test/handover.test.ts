/**
 * 交接班 (issue 15, part 5): the outgoing dispatcher's sheet — incidents with their open rooms,
 * open tickets most urgent first, what callers were promised, stops under way — kept as it was
 * produced, and acknowledged by the one taking over, once. The sheet's rules alone, then against
 * a real HeatWatch.
 */
import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoverChange } from '../ingest/contracts/events.ts';
import type { Handover, HandoverSheet } from '../ingest/contracts/handovers.ts';
import type { OutageView } from '../ingest/contracts/outages.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { handoverSheet } from '../ingest/core/handover/handover-sheet.ts';
import { HOUR, OPENED, ticket } from '../dashboard/src/components/tickets/ticket-fixture.ts';
import { eventually, heatingAllYear, startWorld, type TestWorld } from './support/heatwatch.ts';

const at = (h: number) => new Date(OPENED + h * HOUR).toISOString();

describe('the handover sheet', () => {
  const names: Record<string, string> = { S1: '一号换热站', R1: '1 号楼 101 卧室', R2: '1 号楼 102 卧室', R9: '9 号楼 101 卧室' };
  const nameOf = (id: string) => names[id];

  it('shows an incident once with its open rooms, not its rooms again among the tickets', () => {
    const active = [
      ticket({ id: 'T-2', parentId: 'T-1', deviceId: 'R1', dueAt: at(2) }),
      ticket({ id: 'T-3', parentId: 'T-1', deviceId: 'R2', dueAt: at(3), status: 'acknowledged' }),
      ticket({ id: 'T-1', type: 'room_temp_low', rule: 'correlation', deviceId: 'S1', dueAt: at(4), assignee: { id: 'li', name: '李工' } }),
      ticket({ id: 'T-4', deviceId: 'R9', dueAt: at(5) }),
    ];
    const sheet = handoverSheet(active, [], nameOf, OPENED);
    expect(sheet.incidents).toEqual([expect.objectContaining({ id: 'T-1', place: '一号换热站', rooms: 2, assignee: '李工' })]);
    expect(sheet.tickets.map((t) => t.id)).toEqual(['T-4']);
  });

  it('puts a breached ticket before one due sooner but on time', () => {
    const active = [ticket({ id: 'T-a', dueAt: at(1), deadlineState: 'on_time' }), ticket({ id: 'T-b', dueAt: at(6), deadlineState: 'breached' }), ticket({ id: 'T-c', dueAt: at(2), deadlineState: 'at_risk' })];
    expect(handoverSheet(active, [], nameOf, OPENED).tickets.map((t) => t.id)).toEqual(['T-b', 'T-c', 'T-a']);
  });

  it('lists what callers were promised: a callback owed, an open hotline ticket’s next commitment; a resolved ticket is no one’s work', () => {
    const active = [
      ticket({ id: 'T-5', source: 'hotline', rule: null, type: 'repair', status: 'resolved', contact: '王先生 13800000011', callbackDueAt: at(50), callbackState: 'on_time' }),
      ticket({ id: 'T-6', source: 'hotline', rule: null, type: 'inquiry', status: 'acknowledged', contact: '李女士 13700000002', milestone: 'full_answer', dueAt: at(100) }),
      ticket({ id: 'T-7', source: 'hotline', rule: null, type: 'leak', deviceId: null, address: '春华小区 3-2-201', contact: null, milestone: 'on_site', dueAt: at(1) }),
    ];
    const sheet = handoverSheet(active, [], nameOf, OPENED);
    expect(sheet.promises).toEqual([
      { ticketId: 'T-7', kind: 'on_site', to: '春华小区 3-2-201', dueAt: at(1), state: 'on_time' },
      { ticketId: 'T-5', kind: 'callback', to: '王先生 13800000011', dueAt: at(50), state: 'on_time' },
      { ticketId: 'T-6', kind: 'full_answer', to: '李女士 13700000002', dueAt: at(100), state: 'on_time' },
    ]);
    expect(sheet.tickets.map((t) => t.id)).toEqual(['T-7', 'T-6']);
    // A caller who gave no address: what they said.
    expect(handoverSheet([ticket({ id: 'T-8', source: 'hotline', rule: null, type: 'inquiry', deviceId: null, substationId: null, address: null, description: '问缴费时间' })], [], nameOf, OPENED).tickets[0]!.place).toBe('问缴费时间');
  });

  it('lists stops under way and those starting within a day, not later ones or finished ones', () => {
    const stop = (id: number, status: OutageView['status'], startsIn: number): OutageView => ({
      id, substationId: 'S1', kind: 'planned', status, startsAt: at(startsIn), endsAt: at(startsIn + 8), endedAt: null, cancelledAt: null, reason: '检修', areas: null,
      registeredAt: at(-48), registeredBy: 'admin', updatedAt: at(-48), revision: 0, lateNotice: false,
      notices: { households: 50, channels: 1, sent: 48, failed: 2, pending: 0, firstSentAt: at(-47) },
    });
    const sheet = handoverSheet([], [stop(1, 'active', -2), stop(2, 'scheduled', 20), stop(3, 'scheduled', 30), stop(4, 'ended', -30)], nameOf, OPENED);
    expect(sheet.stops.map((s) => [s.id, s.substation, s.told, s.failed, s.households])).toEqual([[1, '一号换热站', 48, 2, 50], [2, '一号换热站', 48, 2, 50]]);
  });
});

describe('交接班 over the API', () => {
  let world: TestWorld;
  let outgoing: string;
  let incoming: string;
  let viewer: string;
  const account = async (username: string, role: string, displayName: string) => {
    await world.api('POST', '/api/users', { username, password: `${username}-password`, role, displayName });
    return (await world.api<{ token: string }>('POST', '/api/login', { username, password: `${username}-password` }, null)).body.token;
  };

  beforeAll(async () => {
    // Rooms go cold on the real clock: the heating season must be every day of the year.
    world = await startWorld(heatingAllYear());
    outgoing = await account('zhao.gang', 'dispatcher', '赵刚');
    incoming = await account('wang.li', 'dispatcher', '王丽');
    viewer = await account('kanban', 'viewer', '大屏');
  });
  afterAll(() => world?.close());

  it('drafts a substation incident once with its open rooms, and a stop under way with its areas and whom it told', async () => {
    await world.provision({ id: 'SS-H', kind: 'substation', name: '二号换热站', lat: 35.42, lng: 116.98 });
    const rooms = await Promise.all(['R-H-1', 'R-H-2', 'R-H-3'].map((id) => world.provision({ id, substationId: 'SS-H', roomType: 'bedroom', lat: 35.42, lng: 116.98 })));
    // 40 minutes at 16 °C in event time, in three rooms of one substation: one incident.
    const now = Date.now();
    const cold = Array.from({ length: 9 }, (_, i) => ({ ts: now - (40 - i * 5) * 60_000, temp: 16 }));
    for (const room of rooms) {
      const client = await world.connect(room);
      await client.publishAsync(`heat/room/${room.id}/telemetry`, JSON.stringify(cold), { qos: 1 });
      await client.endAsync();
    }
    const underSS = async () => (await world.api<{ tickets: Ticket[] }>('GET', '/api/tickets?substationId=SS-H')).body.tickets;
    const incident = await eventually(async () => (await underSS()).find((t) => t.rule === 'correlation'), 15_000);
    const children = await eventually(async () => ((list) => list.length === 3 && list)((await underSS()).filter((t) => t.parentId === incident.id)), 10_000);
    const stop = await world.api('POST', '/api/outages', { substationId: 'SS-H', kind: 'unplanned', startsAt: new Date(now - 3_600_000).toISOString(), reason: '一次网抢修', areas: '春华小区 1–6 号楼' }, outgoing);
    expect(stop.status).toBe(201);

    const draft = (await world.api<HandoverSheet>('GET', '/api/handovers/draft', undefined, outgoing)).body;
    expect(draft.incidents).toEqual([expect.objectContaining({ id: incident.id, place: '二号换热站', rooms: 3, milestone: incident.milestone, dueAt: incident.dueAt })]);
    for (const child of children) expect(draft.tickets.map((t) => t.id)).not.toContain(child.id);
    expect(draft.stops).toEqual([
      { id: (stop.body as { id: number }).id, substation: '二号换热站', areas: '春华小区 1–6 号楼', kind: 'unplanned', status: 'active', startsAt: new Date(now - 3_600_000).toISOString(), endsAt: null, reason: '一次网抢修', households: 0, told: 0, failed: 0 },
    ]);
  });

  it('hands over the open tickets and what was promised, kept as produced; the next dispatcher takes it over once', async () => {
    // Every dashboard hears that a sheet changed, but only which one: the sheet is the API's to give.
    const socket = connectSocket(`http://127.0.0.1:${world.app.httpPort}`, { auth: { token: viewer }, transports: ['websocket'] });
    const cues: HandoverChange[] = [];
    socket.on('handover', (change) => cues.push(change));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const leak = (await world.api<Ticket>('POST', '/api/tickets', { type: 'leak', description: '楼道管道漏水', address: '春华小区 3 号楼', contact: '孙先生 13600000001' }, outgoing)).body;
    const repair = (await world.api<Ticket>('POST', '/api/tickets', { type: 'repair', description: '阀门关不严', contact: '钱女士 13600000002' }, outgoing)).body;
    for (const step of ['acknowledge', 'on-site']) await world.api('POST', `/api/tickets/${repair.id}/${step}`, {}, outgoing);
    expect((await world.api('POST', `/api/tickets/${repair.id}/resolve`, { cause: '阀芯损坏，已更换' }, outgoing)).status).toBe(200);

    const draft = (await world.api<HandoverSheet>('GET', '/api/handovers/draft', undefined, outgoing)).body;
    expect(draft.tickets.find((t) => t.id === leak.id)).toMatchObject({ place: '春华小区 3 号楼', status: 'open', milestone: 'on_site', dueAt: leak.dueAt, deadlineState: 'on_time', assignee: null });
    expect(draft.tickets.map((t) => t.id)).not.toContain(repair.id);
    expect(draft.promises).toEqual(expect.arrayContaining([expect.objectContaining({ ticketId: repair.id, kind: 'callback', to: '钱女士 13600000002' }), expect.objectContaining({ ticketId: leak.id, kind: 'on_site', to: '孙先生 13600000001' })]));

    const produced = await world.api<Handover>('POST', '/api/handovers', { note: '3 号楼漏水已通知抢修班，孙先生等回电' }, outgoing);
    expect(produced.status).toBe(201);
    expect(produced.body).toMatchObject({ from: { username: 'zhao.gang', name: '赵刚' }, note: '3 号楼漏水已通知抢修班，孙先生等回电', acknowledgedAt: null });
    await eventually(() => cues.length === 1);
    expect(cues).toEqual([{ id: produced.body.id, acknowledged: false }]);

    // The leak moves on; the record still shows what was handed over.
    await world.api('POST', `/api/tickets/${leak.id}/acknowledge`, {}, incoming);
    const kept = (await world.api<Handover>('GET', `/api/handovers/${produced.body.id}`, undefined, incoming)).body;
    expect(kept.sheet.tickets.find((t) => t.id === leak.id)?.status).toBe('open');

    // Not by its author; by the next dispatcher, once.
    const own = await world.api<{ error: { code: string } }>('POST', `/api/handovers/${produced.body.id}/acknowledge`, {}, outgoing);
    expect(own).toMatchObject({ status: 409, body: { error: { code: 'HW_CONFLICT' } } });
    const taken = await world.api<Handover>('POST', `/api/handovers/${produced.body.id}/acknowledge`, { note: '已接班' }, incoming);
    expect(taken.body).toMatchObject({ acknowledgedBy: { username: 'wang.li', name: '王丽' }, ackNote: '已接班' });
    expect(taken.body.acknowledgedAt).not.toBeNull();
    expect((await world.api('POST', `/api/handovers/${produced.body.id}/acknowledge`, {})).status).toBe(409);
    await eventually(() => cues.length === 2);
    expect(cues[1]).toEqual({ id: produced.body.id, acknowledged: true });
    socket.close();

    const list = (await world.api<{ handovers: Handover[] }>('GET', '/api/handovers?limit=5', undefined, incoming)).body.handovers;
    expect(list[0]).toMatchObject({ id: produced.body.id, from: { name: '赵刚' }, acknowledgedBy: { name: '王丽' } });
  });

  it('survives a restart', async () => {
    const before = (await world.api<{ handovers: Handover[] }>('GET', '/api/handovers')).body.handovers;
    await world.restart();
    expect((await world.api<{ handovers: Handover[] }>('GET', '/api/handovers')).body.handovers).toEqual(before);
  });

  it('refuses a viewer, a note too long, an unknown sheet', async () => {
    expect((await world.api('POST', '/api/handovers', {}, viewer)).status).toBe(403);
    expect((await world.api('GET', '/api/handovers/draft', undefined, viewer)).status).toBe(403);
    expect((await world.api('POST', '/api/handovers', { note: 'x'.repeat(2001) })).status).toBe(400);
    expect((await world.api('POST', '/api/handovers', { note: 'ok', extra: 1 })).status).toBe(400);
    expect((await world.api('POST', '/api/handovers/999/acknowledge', {}, incoming)).status).toBe(404);
    expect((await world.api('GET', '/api/handovers/abc')).status).toBe(400);
  });
});
