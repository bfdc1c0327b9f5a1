/** 今日走访's selection, pure (selectMyDay): who sees which visits and tickets through the roster. */
import { describe, expect, it } from 'vitest';
import type { Household } from '../ingest/contracts/households.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import type { Visit } from '../ingest/contracts/visits.ts';
import type { Roster } from '../ingest/core/alerting/roster.ts';
import { selectMyDay, type MyDayInput } from '../ingest/services/my-day-service.ts';

const ROSTER: Roster = {
  people: [
    { id: 'zhang', name: '张伟', username: 'zhangwei' },
    { id: 'wang', name: '王经理', username: 'wangjl' },
    { id: 'zhao', name: '赵工' },
  ],
  teams: [
    { id: 'north', name: '北区班组', substations: ['S-A'], channels: [] },
    { id: 'south', name: '南区班组', substations: ['S-B'], channels: [] },
    { id: 'managers', name: '干部值班', substations: '*', channels: [] },
  ],
  shifts: [
    { team: 'north', person: 'zhang', role: 'engineer', weekdays: [1], start: '08:00', end: '17:00' },
    { team: 'managers', person: 'wang', role: 'manager', weekdays: [6, 7], start: '08:00', end: '08:00' },
  ],
};

const home = (id: string, substationId: string) => ({ id, substationId, name: id, address: `${id} 号`, phone: '13900000000', deviceIds: [], areaM2: null, createdAt: '', updatedAt: '' }) satisfies Household;
const HOMES = new Map([home('H-A', 'S-A'), home('H-B', 'S-B')].map((h) => [h.id, h]));
const visit = (id: string, householdId: string, staff: string[]) => ({ id, householdId, staff, scheduledAt: '2026-12-10T02:00:00.000Z', status: 'planned' }) as Visit;
const ticket = (id: string, over: Partial<Ticket>) =>
  ({ id, type: 'heating_quality', rule: null, status: 'open', substationId: null, assignee: null, dueAt: null, openedAt: '2026-12-10T00:00:00.000Z', ...over }) as Ticket;

const VISITS = [visit('V-A', 'H-A', ['赵工', '钱工']), visit('V-B', 'H-B', ['张伟', '孙工']), visit('V-C', 'H-B', ['王工', '孙工'])];
const TICKETS = [
  ticket('T-A', { substationId: 'S-A', dueAt: '2026-12-10T08:00:00.000Z' }),
  ticket('T-A-early', { substationId: 'S-A', dueAt: '2026-12-10T04:00:00.000Z' }),
  ticket('T-B', { substationId: 'S-B' }),
  ticket('T-offline', { type: 'sensor_offline', substationId: 'S-A' }),
  ticket('T-incident', { rule: 'correlation', type: 'temp_drop', substationId: 'S-A' }),
  ticket('T-complaint', { type: 'staff_complaint', substationId: 'S-A' }),
  ticket('T-given', { type: 'sensor_offline', substationId: 'S-B', assignee: { id: 'zhang', name: '张伟' } }),
  ticket('T-closed', { substationId: 'S-A', status: 'closed' }),
];

const select = (over: Partial<MyDayInput>) => selectMyDay({ username: 'zhangwei', displayName: '', role: 'engineer', roster: ROSTER, visits: VISITS, household: (id) => HOMES.get(id), activeTickets: TICKETS, ...over });
const ids = (list: { id: string }[]) => list.map((x) => x.id);

describe('selectMyDay', () => {
  it("gives an engineer their team's substation, the visits with their roster name, and what was given to them", () => {
    const day = select({});
    expect(day.person).toEqual({ id: 'zhang', name: '张伟' });
    expect(day.teams).toEqual([{ id: 'north', name: '北区班组' }]);
    expect(ids(day.visits)).toEqual(['V-A', 'V-B']);
    expect(ids(day.households)).toEqual(['H-A', 'H-B']);
    // Customers' tickets only (not a sensor's, not an incident), nearest deadline first; a staff complaint is dispatch's.
    expect(ids(day.tickets)).toEqual(['T-A-early', 'T-A', 'T-given']);
  });

  it("gives a '*' team every substation, whatever day its shifts are", () => {
    const day = select({ username: 'wangjl' });
    expect(day.teams).toEqual([{ id: 'managers', name: '干部值班' }]);
    expect(ids(day.visits)).toEqual(['V-A', 'V-B', 'V-C']);
    expect(ids(day.tickets)).toEqual(['T-A-early', 'T-A', 'T-B']);
    expect(ids(select({ username: 'wangjl', role: 'dispatcher' }).tickets)).toContain('T-complaint');
  });

  it('gives a login without a roster person the visits with their name only', () => {
    expect(select({ username: 'wanggong', displayName: '王工' })).toEqual({ person: null, teams: [], visits: [VISITS[2]], households: [HOMES.get('H-B')], tickets: [] });
    expect(select({ username: 'nobody', displayName: '' })).toMatchObject({ person: null, visits: [], tickets: [] });
  });

  it('gives a roster person without a shift no team, only their visits and their tickets', () => {
    const roster = { ...ROSTER, people: ROSTER.people.map((p) => (p.id === 'zhao' ? { ...p, username: 'zhaogong' } : p)) };
    const day = select({ username: 'zhaogong', roster });
    expect(day).toMatchObject({ person: { id: 'zhao', name: '赵工' }, teams: [], tickets: [] });
    expect(ids(day.visits)).toEqual(['V-A']);
  });
});
