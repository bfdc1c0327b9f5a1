/**
 * 定期走访 over the real API (issue 16): a round through a substation's households, spaced from
 * the start in the order of their addresses; skipping those visited that day; stopping before
 * the night; refusing what is not a round.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, formatBeijing, localDateOf, localMidnight } from '../ingest/contracts/beijing-time.ts';
import type { Visit, VisitRound } from '../ingest/contracts/visits.ts';
import { startWorld, type TestWorld } from './support/heatwatch.ts';

const HOUR = 3_600_000;
type Refusal = { error: { code: string; message: string } };

describe('定期走访 (POST /api/visits/round)', () => {
  let world: TestWorld;
  /** Tomorrow in Beijing, whatever today is. */
  const day = addDays(localDateOf(Date.now()), 1);
  const round = (body: object, token?: string) => world.api<VisitRound & Refusal>('POST', '/api/visits/round', { substationId: 'S-R', date: day, staff: ['张工', '李工'], ...body }, token);
  /** The Beijing clock time of a planned visit. */
  const clock = (v: Visit) => formatBeijing(Date.parse(v.scheduledAt)).slice(11, 16);

  beforeAll(async () => {
    world = await startWorld();
    await world.provision({ id: 'S-R', kind: 'substation', name: '幸福站' });
    await world.provision({ id: 'S-N', kind: 'substation', name: '东站' });
    await world.provision({ id: 'R-R1', substationId: 'S-R', roomType: 'living', name: '幸福小区 2-1-101 客厅' });
    const homes = [
      ['H-R1', '幸福小区 10-1-101', 'S-R'],
      ['H-R2', '幸福小区 2-1-101', 'S-R'],
      ['H-R3', '幸福小区 2-1-102', 'S-R'],
      ['H-R4', '幸福小区 3-1-101', 'S-R'],
      ['H-N1', '东苑 1-101', 'S-N'],
      ['H-N2', '东苑 1-102', 'S-N'],
      ['H-N3', '东苑 1-103', 'S-N'],
    ];
    for (const [id, address, substationId] of homes) {
      expect((await world.api('POST', '/api/households', { id, name: `住户${id}`, phone: '13900000000', address, substationId })).status).toBe(201);
    }
    // 2-1-102 already has its visit that afternoon.
    expect((await world.api('POST', '/api/visits', { householdId: 'H-R3', scheduledAt: new Date(localMidnight(day) + 15 * HOUR).toISOString(), staff: ['王工', '赵工'] })).status).toBe(201);
  });
  afterAll(() => world?.close());

  it('plans the households in address order, 20 minutes apart from 09:00, skipping the one visited that day', async () => {
    const res = await round({});
    expect(res.status).toBe(201);
    expect(res.body.planned.map((v) => [v.householdId, clock(v)])).toEqual([
      ['H-R2', '09:00'],
      ['H-R4', '09:20'],
      ['H-R1', '09:40'],
    ]);
    expect(res.body.planned.every((v) => v.status === 'planned' && v.staff.join() === '张工,李工' && v.createdBy === 'admin')).toBe(true);
    expect(res.body.skipped).toEqual([{ householdId: 'H-R3', reason: 'already_visited' }]);
    // The visits are visits like any other.
    expect((await world.api<{ visits: Visit[] }>('GET', '/api/visits?householdId=H-R2')).body.visits.map((v) => v.scheduledAt)).toEqual([res.body.planned[0]!.scheduledAt]);
    // Again: everyone is visited that day now.
    const again = await round({ startAt: '13:00' });
    expect(again.status).toBe(200);
    expect(again.body.planned).toEqual([]);
    expect(again.body.skipped.map((s) => s.reason)).toEqual(['already_visited', 'already_visited', 'already_visited', 'already_visited']);
  });

  it('stops before 20:00 and says who did not fit; a cancelled visit does not count as one', async () => {
    const res = await round({ substationId: 'S-N', startAt: '19:00', minutesEach: 25 });
    expect(res.status).toBe(201);
    // 19:00–19:25 and 19:25–19:50 fit; 19:50–20:15 would run into the night.
    expect(res.body.planned.map((v) => [v.householdId, clock(v)])).toEqual([
      ['H-N1', '19:00'],
      ['H-N2', '19:25'],
    ]);
    expect(res.body.skipped).toEqual([{ householdId: 'H-N3', reason: 'no_time_before_night' }]);
    expect((await world.api('POST', `/api/visits/${res.body.planned[1]!.id}/cancel`)).status).toBe(200);
    const morning = await round({ substationId: 'S-N', startAt: '07:00', minutesEach: 30 });
    expect(morning.body.planned.map((v) => [v.householdId, clock(v)])).toEqual([
      ['H-N2', '07:00'],
      ['H-N3', '07:30'],
    ]);
  });

  it('refuses what is not a round, naming why', async () => {
    const refused = async (body: object, status = 400) => {
      const res = await round(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      return res.body.error?.message ?? '';
    };
    expect(await refused({ staff: ['张工', ' 张工'] })).toContain('at least two people');
    expect(await refused({ startAt: '06:30' })).toContain('between 07:00 and 20:00');
    expect(await refused({ startAt: '20:00' })).toContain('between 07:00 and 20:00');
    expect(await refused({ startAt: '9:00' })).toContain('HH:MM');
    expect(await refused({ date: addDays(localDateOf(Date.now()), -2) })).toContain('is over');
    expect(await refused({ date: '2027-02-30' })).toContain('YYYY-MM-DD');
    expect(await refused({ minutesEach: 2 })).toContain('minutesEach');
    expect(await refused({ substationId: 'R-R1' })).toContain('not a substation');
    await refused({ substationId: 'S-404' }, 404);
    await refused({ household: 'H-R1' });
    expect((await world.api('POST', '/api/users', { username: 'kanban', password: 'kanban-password-1', role: 'viewer' })).status).toBe(201);
    const token = (await world.api<{ token: string }>('POST', '/api/login', { username: 'kanban', password: 'kanban-password-1' }, null)).body.token;
    expect((await round({}, token)).status).toBe(403);
  });
});
