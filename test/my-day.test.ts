/**
 * 今日走访 over the real API (issue 16): an engineer linked to the duty roster sees the day's
 * visits and the tickets of their team's substation — not another team's; a login the roster
 * does not know sees the visits with their name, and no team.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDateOf, localMidnight } from '../ingest/contracts/beijing-time.ts';
import type { MyDay } from '../ingest/contracts/my-day.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import type { Visit } from '../ingest/contracts/visits.ts';
import { startWorld, type TestWorld } from './support/heatwatch.ts';

const HOUR = 3_600_000;
const ROSTER = {
  people: [
    { id: 'zhang', name: '张伟', username: 'zhangwei' },
    { id: 'li', name: '李强', username: 'liqiang' },
  ],
  teams: [
    { id: 'north', name: '北区班组', substations: ['S-A'] },
    { id: 'south', name: '南区班组', substations: ['S-B'] },
  ],
  shifts: [
    { team: 'north', person: 'zhang', role: 'engineer', weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '17:00' },
    { team: 'south', person: 'li', role: 'engineer', weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '17:00' },
  ],
};

describe('今日走访 (GET /api/my-day)', () => {
  let world: TestWorld;
  const tokens: Record<string, string> = {};
  /** Tomorrow in Beijing, whatever today is: the day the visits are planned for. */
  const day = addDays(localDateOf(Date.now()), 1);
  const at = (date: string, hour: number) => new Date(localMidnight(date) + hour * HOUR).toISOString();
  const ids: Record<string, string> = {};
  const myDay = (who: string, query = `?date=${day}`) => world.api<MyDay>('GET', `/api/my-day${query}`, undefined, tokens[who]);

  beforeAll(async () => {
    world = await startWorld();
    await world.provision({ id: 'S-A', kind: 'substation', name: '北站' });
    await world.provision({ id: 'S-B', kind: 'substation', name: '南站' });
    await world.provision({ id: 'R-A1', substationId: 'S-A', roomType: 'living', name: '北苑 1-101 客厅' });
    await world.provision({ id: 'R-B1', substationId: 'S-B', roomType: 'living', name: '南苑 1-101 客厅' });
    await world.api('POST', '/api/households', { id: 'H-A', name: '赵一', phone: '13900000011', address: '北苑 1-101', substationId: 'S-A', deviceIds: ['R-A1'] });
    await world.api('POST', '/api/households', { id: 'H-A2', name: '赵二', phone: '13900000012', address: '北苑 1-102', substationId: 'S-A' });
    await world.api('POST', '/api/households', { id: 'H-B', name: '钱一', phone: '13900000021', address: '南苑 1-101', substationId: 'S-B', deviceIds: ['R-B1'] });
    expect((await world.api('PUT', '/api/alerting/roster', ROSTER)).status).toBe(200);
    for (const [username, displayName, role] of [['zhangwei', '张伟', 'engineer'], ['liqiang', '李强', 'engineer'], ['wanggong', '王工', 'engineer'], ['kanban', '', 'viewer']] as const) {
      expect((await world.api('POST', '/api/users', { username, password: `${username}-password-1`, role, displayName })).status).toBe(201);
      tokens[username] = (await world.api<{ token: string }>('POST', '/api/login', { username, password: `${username}-password-1` }, null)).body.token;
    }
    const plan = async (name: string, body: object) => {
      const res = await world.api<Visit>('POST', '/api/visits', body);
      expect(res.status).toBe(201);
      ids[name] = res.body.id;
    };
    await plan('north', { householdId: 'H-A', scheduledAt: at(day, 10), staff: ['赵工', '钱工'] });
    await plan('south', { householdId: 'H-B', scheduledAt: at(day, 11), staff: ['王工', '孙工'] });
    await plan('northTomorrow', { householdId: 'H-A', scheduledAt: at(addDays(day, 1), 10), staff: ['赵工', '钱工'] });
    await plan('northCancelled', { householdId: 'H-A2', scheduledAt: at(day, 14), staff: ['赵工', '钱工'] });
    await world.api('POST', `/api/visits/${ids.northCancelled}/cancel`);
    const complaint = async (name: string, deviceId: string) => {
      const res = await world.api<Ticket>('POST', '/api/tickets', { type: 'heating_quality', description: '屋里不热', deviceId });
      expect(res.status).toBe(201);
      ids[name] = res.body.id;
    };
    await complaint('ticketA', 'R-A1');
    await complaint('ticketB', 'R-B1');
    await complaint('ticketB2', 'R-B1');
    // Dispatch gives one of the south's tickets to 张伟: it is on his day too.
    expect((await world.api('POST', `/api/tickets/${ids.ticketB2}/assign`, { personId: 'zhang' })).status).toBe(200);
  });
  afterAll(() => world?.close());

  it("shows an engineer their team's substation: its visit and its tickets, and what was given to them — not another team's", async () => {
    const res = await myDay('zhangwei');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ date: day, person: { id: 'zhang', name: '张伟' }, teams: [{ id: 'north', name: '北区班组' }] });
    expect(res.body.visits.map((v) => v.id)).toEqual([ids.north]);
    expect(res.body.households.map((h) => [h.id, h.name, h.address])).toEqual([['H-A', '赵一', '北苑 1-101']]);
    expect(res.body.tickets.map((t) => t.id).sort()).toEqual([ids.ticketA, ids.ticketB2].sort());

    const south = (await myDay('liqiang')).body;
    expect(south.teams).toEqual([{ id: 'south', name: '南区班组' }]);
    expect(south.visits.map((v) => v.id)).toEqual([ids.south]);
    expect(south.tickets.map((t) => t.id).sort()).toEqual([ids.ticketB, ids.ticketB2].sort());
  });

  it('shows a login the roster does not know only the visits with their name, and no team', async () => {
    const res = await myDay('wanggong');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ person: null, teams: [], tickets: [] });
    expect(res.body.visits.map((v) => v.id)).toEqual([ids.south]);
    expect(res.body.households.map((h) => h.id)).toEqual(['H-B']);
  });

  it('is today in Beijing by default, another day when asked; refuses a date that is none, and a viewer', async () => {
    const before = localDateOf(Date.now());
    const today = (await myDay('zhangwei', '')).body;
    expect([before, localDateOf(Date.now())]).toContain(today.date);
    expect(today.visits.map((v) => v.id)).not.toContain(ids.north);
    expect((await myDay('zhangwei', `?date=${addDays(day, 1)}`)).body.visits.map((v) => v.id)).toEqual([ids.northTomorrow]);
    expect((await myDay('zhangwei', '?date=2027-02-30')).status).toBe(400);
    expect((await myDay('zhangwei', '?day=2027-02-01')).status).toBe(400);
    expect((await myDay('kanban')).status).toBe(403);
    expect((await world.api('GET', '/api/my-day', undefined, null)).status).toBe(401);
  });
});
