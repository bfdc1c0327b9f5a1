/** Heating season, working days and deadlines: pure functions, Asia/Shanghai local dates. */
import { describe, expect, it } from 'vitest';
import { callbackDueAt, dueAt } from '../ingest/core/calendar/deadlines.ts';
import { DEFAULT_WORKDAY_CALENDAR } from '../ingest/core/calendar/default-workday-calendar.ts';
import { heatingSeasonAt, isInFirstDaysOfSeason, isInHeatingSeason, seasonDay } from '../ingest/core/calendar/heating-season.ts';
import {
  addWorkingDays,
  coversDate,
  isWorkingDay,
  parseWorkdayCalendar,
  WorkdayCalendarError,
} from '../ingest/core/calendar/working-days.ts';
import type { TicketType } from '../ingest/contracts/tickets.ts';
import { DEFAULT_RULES_CONFIG, parseRulesConfig } from '../ingest/core/rules/rules-config.ts';

const at = (iso: string) => Date.parse(iso);
const iso8 = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
const SEASON = DEFAULT_RULES_CONFIG.season;
const EARLY_2026 = parseRulesConfig({ season: { overrides: [{ season: 2026, start: '2026-11-08', end: '2027-03-25' }] } });

describe('heating season', () => {
  it.each([
    ['2026-11-14T23:59:00+08:00', false],
    ['2026-11-14T23:59:59.999+08:00', false],
    ['2026-11-15T00:00:00+08:00', true],
    // The same instants in UTC: the boundary is local midnight, not UTC midnight.
    ['2026-11-14T15:59:59.999Z', false],
    ['2026-11-14T16:00:00Z', true],
    ['2027-01-01T12:00:00+08:00', true],
    ['2027-03-19T23:59:00+08:00', true],
    ['2027-03-19T23:59:59.999+08:00', true],
    ['2027-03-20T00:00:00+08:00', false],
    ['2027-07-01T12:00:00+08:00', false],
  ])('%s in season: %s', (time, expected) => {
    expect(isInHeatingSeason(at(time), SEASON)).toBe(expected);
  });

  it('names a season by the year it starts in', () => {
    expect(heatingSeasonAt(at('2027-02-01T00:00:00+08:00'), SEASON)).toMatchObject({ season: 2026, start: '2026-11-15', end: '2027-03-19' });
    expect(heatingSeasonAt(at('2026-12-01T00:00:00+08:00'), SEASON)?.season).toBe(2026);
    expect(heatingSeasonAt(at('2026-03-01T00:00:00+08:00'), SEASON)?.season).toBe(2025);
    expect(heatingSeasonAt(at('2026-06-01T00:00:00+08:00'), SEASON)).toBeNull();
  });

  it.each([
    ['2026-11-07T23:59:00+08:00', false],
    ['2026-11-08T00:00:00+08:00', true],
    ['2027-03-25T23:59:00+08:00', true],
    ['2027-03-26T00:00:00+08:00', false],
    // Other seasons keep the default dates.
    ['2025-11-08T12:00:00+08:00', false],
    ['2026-03-20T00:00:00+08:00', false],
    ['2027-11-14T12:00:00+08:00', false],
  ])('with an early start and late end for 2026: %s in season: %s', (time, expected) => {
    expect(isInHeatingSeason(at(time), EARLY_2026.season)).toBe(expected);
  });

  it.each([
    [SEASON, '2026-11-15T00:00:00+08:00', 1, true],
    [SEASON, '2026-11-24T23:59:00+08:00', 10, true],
    [SEASON, '2026-11-25T00:00:00+08:00', 11, false],
    [SEASON, '2026-11-14T23:59:00+08:00', null, false],
    [EARLY_2026.season, '2026-11-17T23:59:00+08:00', 10, true],
    [EARLY_2026.season, '2026-11-18T00:00:00+08:00', 11, false],
  ])('first 10 days: %#', (config, time, day, first) => {
    expect(seasonDay(at(time), config)).toBe(day);
    expect(isInFirstDaysOfSeason(at(time), config)).toBe(first);
  });
});

describe('deadlines', () => {
  const opened = at('2026-12-10T10:00:00+08:00');
  it.each<[TicketType, number | null]>([
    ['pipeline_accident', 30],
    ['leak', 60],
    ['repair', 60],
    ['heating_quality', 120],
    ['room_temp_low', 480],
    ['temp_drop', 480],
    ['inquiry', 30],
    ['sensor_offline', null],
  ])('%s is due after %s min', (type, minutes) => {
    expect(dueAt(type, opened, DEFAULT_RULES_CONFIG)).toBe(minutes === null ? null : opened + minutes * 60_000);
  });

  it.each([
    [DEFAULT_RULES_CONFIG, '2026-11-15T00:00:00+08:00', 5],
    [DEFAULT_RULES_CONFIG, '2026-11-24T23:00:00+08:00', 5],
    [DEFAULT_RULES_CONFIG, '2026-11-25T00:00:00+08:00', 2],
    [DEFAULT_RULES_CONFIG, '2026-10-20T09:00:00+08:00', 2],
    [EARLY_2026, '2026-11-17T09:00:00+08:00', 5],
    [EARLY_2026, '2026-11-18T09:00:00+08:00', 2],
  ])('heating_quality complaint: %#', (config, time, hours) => {
    expect(dueAt('heating_quality', at(time), config)).toBe(at(time) + hours * 3_600_000);
  });

  it('follows a configured deadline', () => {
    const config = parseRulesConfig({ deadlines: { leak: 45, sensor_offline: 1440 } });
    expect(dueAt('leak', opened, config)).toBe(opened + 45 * 60_000);
    expect(dueAt('sensor_offline', opened, config)).toBe(opened + 1440 * 60_000);
  });
});

describe('working days', () => {
  it.each([
    ['2026-02-13', true], // Friday before the Spring Festival
    ['2026-02-14', true], // Saturday, make-up workday
    ['2026-02-15', false], // Sunday, holiday
    ['2026-02-16', false], // Monday, holiday
    ['2026-02-23', false], // Monday, last holiday
    ['2026-02-24', true],
    ['2026-02-28', true], // Saturday, make-up workday
    ['2026-03-01', false], // ordinary Sunday
    ['2025-01-26', true], // Sunday, make-up workday 2025
    ['2026-10-08', true],
    ['2026-10-10', true], // Saturday, make-up workday
  ])('%s is a working day: %s', (date, expected) => {
    expect(isWorkingDay(date, DEFAULT_WORKDAY_CALENDAR)).toBe(expected);
  });

  it.each([
    // Friday before the Spring Festival 2026: the make-up Saturday counts, then the holiday.
    ['2026-02-13T15:00:00+08:00', '2026-02-25T23:59:59.999+08:00'],
    ['2026-02-13T23:59:59.999+08:00', '2026-02-25T23:59:59.999+08:00'],
    ['2026-02-12T09:00:00+08:00', '2026-02-24T23:59:59.999+08:00'],
    // Resolved on the make-up Saturday itself: that day does not count.
    ['2026-02-14T10:00:00+08:00', '2026-02-26T23:59:59.999+08:00'],
    // The make-up Saturday after the holiday.
    ['2026-02-26T10:00:00+08:00', '2026-03-02T23:59:59.999+08:00'],
    // Spring Festival 2025: make-up Sunday 26 Jan, holiday 28 Jan – 4 Feb.
    ['2025-01-24T10:00:00+08:00', '2025-02-05T23:59:59.999+08:00'],
    // National Day 2026: holiday 1–7 Oct, make-up Saturday 10 Oct.
    ['2026-09-30T10:00:00+08:00', '2026-10-10T23:59:59.999+08:00'],
    // An ordinary week: Wednesday → Monday.
    ['2026-12-02T18:00:00+08:00', '2026-12-07T23:59:59.999+08:00'],
  ])('callback for a ticket resolved %s is due %s', (resolved, due) => {
    expect(iso8(callbackDueAt(at(resolved), DEFAULT_WORKDAY_CALENDAR, DEFAULT_RULES_CONFIG))).toBe(due);
  });

  it('counts from the local date, not the UTC date', () => {
    // 2026-02-13T16:00Z is already Saturday 14 Feb in Shanghai.
    expect(iso8(callbackDueAt(at('2026-02-13T16:00:00Z'), DEFAULT_WORKDAY_CALENDAR, DEFAULT_RULES_CONFIG))).toBe('2026-02-26T23:59:59.999+08:00');
  });

  it('adds zero days to the end of the same day and refuses nonsense', () => {
    expect(iso8(addWorkingDays(at('2026-02-16T10:00:00+08:00'), 0, DEFAULT_WORKDAY_CALENDAR))).toBe('2026-02-16T23:59:59.999+08:00');
    expect(() => addWorkingDays(0, -1, DEFAULT_WORKDAY_CALENDAR)).toThrow(RangeError);
    expect(() => addWorkingDays(0, 1.5, DEFAULT_WORKDAY_CALENDAR)).toThrow(RangeError);
  });

  it('covers 2025–2027, marks 2027 provisional, and falls back to Monday–Friday beyond', () => {
    expect([...DEFAULT_WORKDAY_CALENDAR.coveredYears].sort()).toEqual([2025, 2026, 2027]);
    expect(DEFAULT_WORKDAY_CALENDAR.notes['2027']).toMatch(/PROVISIONAL/);
    expect(coversDate(at('2027-06-01T00:00:00+08:00'), DEFAULT_WORKDAY_CALENDAR)).toBe(true);
    expect(coversDate(at('2028-01-03T00:00:00+08:00'), DEFAULT_WORKDAY_CALENDAR)).toBe(false);
    // Friday 29 Dec 2028 → Mon 1, Tue 2, Wed 3 Jan 2029 (no holidays known).
    expect(iso8(addWorkingDays(at('2028-12-29T10:00:00+08:00'), 3, DEFAULT_WORKDAY_CALENDAR))).toBe('2029-01-03T23:59:59.999+08:00');
  });

  it('accepts an admin-updated file', () => {
    const cal = parseWorkdayCalendar({ '2028': { holidays: ['2028-01-03'], workdays: ['2028-01-08'], note: 'test' } });
    expect(isWorkingDay('2028-01-03', cal)).toBe(false);
    expect(isWorkingDay('2028-01-08', cal)).toBe(true);
    expect(iso8(addWorkingDays(at('2028-01-01T10:00:00+08:00'), 1, cal))).toBe('2028-01-04T23:59:59.999+08:00');
  });

  it('refuses a bad file listing every problem', () => {
    const bad = {
      '2026': { holidays: ['2026-02-30', '2025-12-31'], workdays: ['2026-02-16', '2026-02-14'], extra: 1 },
      '2027': { holidays: ['2027-02-06'], workdays: ['2027-02-06'] },
      '27': { holidays: [], workdays: [] },
    };
    let error: unknown;
    try {
      parseWorkdayCalendar(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WorkdayCalendarError);
    const problems = (error as WorkdayCalendarError).problems;
    expect(problems).toEqual([
      '27: a year key is four digits, e.g. "2026"',
      '2026.holidays.0: expected a real date YYYY-MM-DD',
      '2026: Unrecognized key: "extra"',
      '2026.holidays.1: 2025-12-31 is not in 2026',
      '2026.workdays.0: 2026-02-16 is a weekday: a make-up workday is a Saturday or Sunday',
      '2027.workdays.0: 2027-02-06 is also listed as a holiday',
    ]);
  });
});
