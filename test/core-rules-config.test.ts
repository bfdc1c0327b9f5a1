/** The rules configuration: DESIGN.md §3 defaults, partial files, and every problem listed. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG, parseRulesConfig, RulesConfigError } from '../ingest/core/rules/rules-config.ts';

function problemsOf(input: unknown): string[] {
  try {
    parseRulesConfig(input);
  } catch (err) {
    if (err instanceof RulesConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('rules configuration', () => {
  it.each<[string, unknown]>([
    ['roomLow.belowC', 18.0],
    ['roomLow.forMin', 30],
    ['roomLow.recoverAtC', 18.5],
    ['roomLow.recoverForMin', 30],
    ['roomLow.roomTypes', ['bedroom', 'living']],
    ['suddenDrop.dropC', 3.0],
    ['suddenDrop.withinMin', 60],
    ['substationCollapse.pressureDropMPa', 0.15],
    ['substationCollapse.pressureWithinMin', 5],
    ['substationCollapse.supplyTempDropC', 15],
    ['substationCollapse.supplyTempWithinMin', 15],
    ['offline.intervals', 3],
    ['plausibility.room', { minC: 0, maxC: 40, maxJumpC: 5, jumpWithinMin: 10 }],
    ['correlation', { minFraction: 0.3, minRooms: 3, windowMin: 60 }],
    ['outdoor.designTempC', -7.7],
    ['season', { start: '11-15', end: '03-19', firstDays: 10, overrides: [] }],
    ['deadlines', { pipeline_accident: 30, substation_fault: 60, leak: 60, repair: 60, heating_quality: { firstDaysMin: 300, otherMin: 120 }, room_temp_low: 480, temp_drop: 480, inquiry: 30, inquiry_complex_answer: 7200, staff_complaint: 30, suggestion: null, sensor_offline: null, sensor_calibration: null }],
    ['callback.workingDays', 3],
  ])('defaults %s to the design value', (path, expected) => {
    const value = path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], DEFAULT_RULES_CONFIG);
    expect(value).toEqual(expected);
  });

  it('takes a partial file and keeps the other defaults', () => {
    const config = parseRulesConfig({
      roomLow: { belowC: 17.5, recoverAtC: 18 },
      season: { overrides: [{ season: 2026, start: '2026-11-08', end: '2027-03-25' }] },
    });
    expect(config.roomLow).toMatchObject({ belowC: 17.5, recoverAtC: 18, forMin: 30 });
    expect(config.season).toMatchObject({ start: '11-15', overrides: [{ season: 2026, start: '2026-11-08', end: '2027-03-25' }] });
    expect(config.suddenDrop).toEqual(DEFAULT_RULES_CONFIG.suddenDrop);
    expect(Object.isFrozen(config.roomLow)).toBe(true);
  });

  it('lists every problem with its path', () => {
    const problems = problemsOf({
      roomLow: { belowC: 'cold', forMin: -1, recoverAtC: 17, roomTypes: ['attic'] },
      suddenDrop: { dropC: 1, recoverWithinC: 2 },
      correlation: { minFraction: 1.5, minRooms: 1 },
      plausibility: { room: { minC: 40, maxC: 0 }, substation: { supplyPressure: { min: 3, max: 1 } } },
      season: {
        start: '02-30',
        end: '04-01',
        overrides: [
          { season: 2026, start: '2027-11-08', end: '2028-03-25' },
          { season: 2026, start: '2026-11-01', end: '2027-02-30' },
        ],
      },
      deadlines: { leak: 0, heating_quality: { firstDaysMin: '5h' }, coffee: 5 },
      tpyo: true,
    });
    expect(problems).toEqual([
      'roomLow.belowC: Invalid input: expected number, received string',
      'roomLow.forMin: Too small: expected number to be >0',
      'roomLow.roomTypes.0: Invalid option: expected one of "bedroom"|"living"|"other"',
      'suddenDrop.recoverWithinC: must be smaller than dropC, or a drop would count as recovered at once',
      'plausibility.room.maxC: must be above minC',
      'plausibility.substation.supplyPressure: min must be below max',
      'correlation.minFraction: Too big: expected number to be <=1',
      'correlation.minRooms: Too small: expected number to be >=2',
      'season.start: not a date in every year',
      'season.start: a season starts in the second half of the year',
      'season.overrides.0.start: must be in 2026, the year the season starts',
      'season.overrides.0.end: must be in 2027, the year after the season starts',
      'season.overrides.1.end: expected a real date YYYY-MM-DD, e.g. 2026-11-08',
      'season.overrides: one override per season',
      'deadlines.leak: Too small: expected number to be >0',
      'deadlines.heating_quality.firstDaysMin: Invalid input: expected number, received string',
      'deadlines: Unrecognized key: "coffee"',
      '(root): Unrecognized key: "tpyo"',
    ]);
  });

  it('reports an inverted hysteresis even when another field of the same rule is wrong', () => {
    expect(problemsOf({ roomLow: { forMin: 0, recoverAtC: 17 } })).toEqual([
      'roomLow.forMin: Too small: expected number to be >0',
      'roomLow.recoverAtC: must not be below belowC (the hysteresis would be inverted)',
    ]);
  });

  it('refuses what is not an object at all', () => {
    expect(problemsOf('rules')).toEqual(['(root): Invalid input: expected object, received string']);
    expect(() => parseRulesConfig(null)).toThrow(/invalid rules configuration/);
  });
});
