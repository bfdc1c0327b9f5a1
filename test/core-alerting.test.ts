/** The roster and the alert plan: pure, table-driven. */
import { describe, expect, it } from 'vitest';
import { alertPolicySchema, DEFAULT_ALERT_POLICY, planAlerts, planCallbackAlerts, stillDue } from '../ingest/core/alerting/alert-policy.ts';
import { dutyBoard, onDutyAt, rosterSchema, shiftCovers, type Shift } from '../ingest/core/alerting/roster.ts';

const at = (local: string) => Date.parse(`${local}+08:00`);
// 2026-12-07 is a Monday.
const night: Shift = { team: 'T', person: 'p', role: 'engineer', weekdays: [1], start: '20:00', end: '08:00' };
const day: Shift = { team: 'T', person: 'p', role: 'engineer', weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '20:00' };

describe('shifts', () => {
  it.each([
    [day, '2026-12-07T08:00:00', true, 'starts on the minute'],
    [day, '2026-12-07T19:59:59', true, 'still on at 19:59'],
    [day, '2026-12-07T20:00:00', false, 'ends on the minute'],
    [day, '2026-12-12T10:00:00', false, 'not on Saturday'],
    [night, '2026-12-07T23:00:00', true, 'Monday night'],
    [night, '2026-12-08T03:00:00', true, 'Monday night shift still covers Tuesday 03:00'],
    [night, '2026-12-08T08:00:00', false, 'over at 08:00'],
    [night, '2026-12-08T23:00:00', false, 'no Tuesday night shift'],
    [night, '2026-12-07T03:00:00', false, 'Sunday night had no shift'],
  ] as const)('%#: %s at %s → %s (%s)', (shift, local, expected, _why) => {
    expect(shiftCovers(shift, at(local))).toBe(expected);
  });
});

describe('who is paged right now for a substation', () => {
  const roster = rosterSchema.parse({
    people: [
      { id: 'zhang', name: '张工', mobile: '13800000001' },
      { id: 'li', name: '李工', mobile: '13800000002' },
      { id: 'wang', name: '王经理', mobile: '13800000003', email: 'wang@example.cn' },
    ],
    teams: [
      { id: 'north', name: '北区抢修班', substations: ['SS-001', 'SS-002'], channels: ['wecom-north'] },
      { id: 'south', name: '南区抢修班', substations: ['SS-003'] },
      { id: 'managers', name: '干部值班', substations: '*' },
    ],
    shifts: [
      { team: 'north', person: 'zhang', role: 'engineer', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '20:00' },
      { team: 'north', person: 'li', role: 'engineer', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '20:00', end: '08:00' },
      { team: 'managers', person: 'wang', role: 'manager', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' },
    ],
  });

  it('answers with the engineers of the teams covering it and the managers on duty', () => {
    const noon = onDutyAt(roster, 'SS-001', at('2026-12-07T12:00:00'));
    expect(noon.engineers.map((p) => p.name)).toEqual(['张工']);
    expect(noon.managers.map((p) => p.name)).toEqual(['王经理']);
    expect(noon.teams.map((t) => t.id)).toEqual(['north', 'managers']);
    expect(onDutyAt(roster, 'SS-002', at('2026-12-08T03:00:00')).engineers.map((p) => p.name)).toEqual(['李工']);
  });

  it('has nobody but the managers for a substation no team covers, and a 24 h shift is never off', () => {
    const r = onDutyAt(roster, 'SS-003', at('2026-12-07T12:00:00'));
    expect(r.engineers).toEqual([]);
    expect(r.managers.map((p) => p.id)).toEqual(['wang']);
    expect(onDutyAt(roster, null, at('2026-12-13T23:59:00')).managers.map((p) => p.id)).toEqual(['wang']);
  });

  it('refuses a roster naming people or teams that do not exist, listing each', () => {
    const r = rosterSchema.safeParse({ people: [], teams: [], shifts: [{ team: 'x', person: 'y', role: 'engineer', weekdays: [1], start: '8:00', end: '20:00' }] });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['shifts.0.person', 'shifts.0.team', 'shifts.0.start']));
  });
});

describe('alert plan', () => {
  const opened = '2026-12-07T02:00:00.000Z';
  const base = { openedAt: opened, parentId: null, exempt: null };

  it('pages a pipe accident at once, escalates after 5 min, reminds at 75 % and at the 30 min deadline', () => {
    const plan = planAlerts({ ...base, type: 'pipeline_accident', dueAt: '2026-12-07T02:30:00.000Z' }, DEFAULT_ALERT_POLICY);
    const t0 = Date.parse(opened);
    expect(plan.map((p) => [p.kind, (p.at - t0) / 60_000])).toEqual([
      ['page', 0],
      ['escalation', 5],
      ['reminder', 22.5],
      ['breach', 30],
    ]);
  });

  it('holds a cold room’s page 10 min, so a substation going cold pages once through its incident', () => {
    const plan = planAlerts({ ...base, type: 'room_temp_low', dueAt: '2026-12-07T10:00:00.000Z' }, DEFAULT_ALERT_POLICY);
    expect(plan.find((p) => p.kind === 'page')!.at - Date.parse(opened)).toBe(10 * 60_000);
    expect(stillDue('page', { status: 'open', milestoneAt: null, parentId: 'T-INCIDENT' })).toBe(false);
  });

  it('pages nobody for a room linked under a substation incident, nor for a sensor offline', () => {
    expect(planAlerts({ ...base, type: 'room_temp_low', dueAt: opened, parentId: 'T-1' }, DEFAULT_ALERT_POLICY)).toEqual([]);
    expect(planAlerts({ ...base, type: 'sensor_offline', dueAt: null }, DEFAULT_ALERT_POLICY)).toEqual([]);
  });

  it('plans a callback reminder at 75 % of the time from the resolution, and one at its deadline; none when turned off or not due', () => {
    const resolved = { resolvedAt: '2026-12-11T03:00:00.000Z', callbackDueAt: '2026-12-16T15:59:59.999Z' };
    const r = Date.parse(resolved.resolvedAt);
    const due = Date.parse(resolved.callbackDueAt);
    expect(planCallbackAlerts(resolved, DEFAULT_ALERT_POLICY)).toEqual([
      { kind: 'callback_reminder', at: r + (due - r) * 0.75 },
      { kind: 'callback_breach', at: due },
    ]);
    expect(planCallbackAlerts(resolved, { ...DEFAULT_ALERT_POLICY, remindAtFraction: null })).toEqual([{ kind: 'callback_breach', at: due }]);
    expect(planCallbackAlerts(resolved, { ...DEFAULT_ALERT_POLICY, callbacks: false })).toEqual([]);
    expect(planCallbackAlerts({ ...resolved, callbackDueAt: null }, DEFAULT_ALERT_POLICY)).toEqual([]);
  });

  it.each([
    ['escalation', { status: 'open', milestoneAt: null, parentId: null }, true],
    ['escalation', { status: 'acknowledged', milestoneAt: null, parentId: null }, false],
    ['page', { status: 'acknowledged', milestoneAt: null, parentId: null }, false],
    ['reminder', { status: 'acknowledged', milestoneAt: null, parentId: null }, true],
    ['breach', { status: 'on_site', milestoneAt: '2026-12-07T02:20:00.000Z', parentId: null }, false],
    ['breach', { status: 'open', milestoneAt: null, parentId: 'T-9' }, false],
    ['reminder', { status: 'closed', milestoneAt: null, parentId: null }, false],
    // The callback's messages, until dispatch has called (also for a room linked under an incident).
    ['callback_reminder', { status: 'resolved', milestoneAt: '2026-12-07T02:20:00.000Z', parentId: 'T-9' }, true],
    ['callback_breach', { status: 'callback_done', milestoneAt: '2026-12-07T02:20:00.000Z', parentId: null }, false],
    ['callback_breach', { status: 'closed', milestoneAt: '2026-12-07T02:20:00.000Z', parentId: null }, false],
  ] as const)('%s for %j is still due: %s', (kind, ticket, expected) => {
    expect(stillDue(kind, ticket)).toBe(expected);
  });
});

describe('a policy saved before a ticket type existed', () => {
  it('keeps what was set and gives the newer types their defaults', () => {
    const saved = { types: { repair: { page: false, pageAfterMin: 0, escalateAfterMin: null } }, remindAtFraction: 0.5 };
    const policy = alertPolicySchema.parse(saved);
    expect(policy.types.repair).toEqual({ page: false, pageAfterMin: 0, escalateAfterMin: null });
    expect(policy.types.staff_complaint).toEqual(DEFAULT_ALERT_POLICY.types.staff_complaint);
    expect(policy.types.sensor_calibration).toEqual({ page: false, pageAfterMin: 0, escalateAfterMin: null });
    expect(policy.remindAtFraction).toBe(0.5);
  });
});

describe('duty board', () => {
  it('lists every team with who is on duty in it now', () => {
    const roster = rosterSchema.parse({
      people: [
        { id: 'a', name: '甲' },
        { id: 'b', name: '乙' },
      ],
      teams: [
        { id: 'T1', name: '一班', substations: ['S1'] },
        { id: 'T2', name: '二班', substations: '*' },
      ],
      shifts: [
        { team: 'T1', person: 'a', role: 'engineer', weekdays: [1], start: '08:00', end: '20:00' },
        { team: 'T2', person: 'b', role: 'manager', weekdays: [1], start: '00:00', end: '00:00' },
      ],
    });
    const board = dutyBoard(roster, at('2026-12-07T21:00:00'));
    expect(board.map((b) => [b.team.id, b.engineers.map((p) => p.id), b.managers.map((p) => p.id)])).toEqual([
      ['T1', [], []],
      ['T2', [], ['b']],
    ]);
  });
});
