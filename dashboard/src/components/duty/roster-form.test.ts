import { describe, expect, it } from 'vitest';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import type { Roster } from './duty-types.ts';
import { draftFromRoster, newPerson, newShift, newTeam, nextId, parseProblems, problemKeys, problemPlace, rosterFromDraft } from './roster-form.ts';

const roster: Roster = {
  people: [
    { id: 'zhang', name: '张工', mobile: '13800000001' },
    { id: 'li', name: '李经理', email: 'li@example.com' },
  ],
  teams: [
    { id: 'north', name: '运行一班', substations: ['S1', 'S2'], channels: ['wecom-1'] },
    { id: 'managers', name: '值班经理', substations: '*', channels: [] },
  ],
  shifts: [
    { team: 'north', person: 'zhang', role: 'engineer', weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '20:00' },
    { team: 'managers', person: 'li', role: 'manager', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '20:00', end: '08:00' },
  ],
};

describe('roster form', () => {
  it('round-trips the roster through the form unchanged', () => {
    expect(rosterFromDraft(draftFromRoster(roster))).toEqual(roster);
  });

  it('trims, leaves empty contacts out, orders weekdays and keeps a team\'s list while "all" is ticked', () => {
    const d = draftFromRoster(roster);
    d.people[0]!.name = '  张工 ';
    d.people[0]!.mobile = ' ';
    d.shifts[0]!.weekdays = [5, 1, 3, 1];
    d.teams[0]!.allSubstations = true;
    const out = rosterFromDraft(d);
    expect(out.people[0]).toEqual({ id: 'zhang', name: '张工' });
    expect(out.shifts[0]!.weekdays).toEqual([1, 3, 5]);
    expect(out.teams[0]!.substations).toBe('*');
    d.teams[0]!.allSubstations = false;
    expect(rosterFromDraft(d).teams[0]!.substations).toEqual(['S1', 'S2']);
  });

  it('gives new rows ids nobody has, and a new shift a working-day day shift', () => {
    expect(nextId('p', ['p1', 'p3'])).toBe('p2');
    const d = draftFromRoster({ people: [{ id: 'p1', name: 'x' }], teams: [{ id: 'team1', name: 't', substations: '*', channels: [] }], shifts: [] });
    expect(newPerson(d).id).toBe('p2');
    expect(newTeam(d).id).toBe('team2');
    expect(newShift('team1', 'p1')).toEqual({ team: 'team1', person: 'p1', role: 'engineer', weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '20:00' });
  });

  it("splits the server's 400 message into problems and names where they are", () => {
    const problems = parseProblems('people.1.mobile: digits only, e.g. 13800000000; shifts.0.person: no person x; teams: team ids must be unique');
    expect(problems).toEqual([
      { path: ['people', '1', 'mobile'], text: 'digits only, e.g. 13800000000' },
      { path: ['shifts', '0', 'person'], text: 'no person x' },
      { path: ['teams'], text: 'team ids must be unique' },
    ]);
    expect(problemKeys(problems).has('shifts.0.person')).toBe(true);
    const d = draftFromRoster(roster);
    const t = new I18n(null).t;
    expect(problemPlace(problems[0]!.path, d, t)).toBe('人员 2（李经理） · 手机');
    expect(problemPlace(problems[1]!.path, d, t)).toBe('班次 1（张工） · 人员');
    expect(problemPlace(problems[2]!.path, d, t)).toBe('班组');
    d.people[1]!.name = '';
    expect(problemPlace(problems[0]!.path, d, t)).toBe('人员 2 · 手机');
    expect(parseProblems('something else')).toEqual([{ path: [], text: 'something else' }]);
  });
});
