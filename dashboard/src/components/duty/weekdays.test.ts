import { describe, expect, it } from 'vitest';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { formatShiftHours, formatWeekdays, isOvernight, weekdayRuns } from './weekdays.ts';

const zh = new I18n(null);
const en = new I18n(null);
en.locale = 'en';

describe('weekdays', () => {
  it('folds consecutive days into runs, ignoring order, repeats and days outside 1–7', () => {
    expect(weekdayRuns([5, 1, 2, 3, 3, 7, 0, 8])).toEqual([
      [1, 3],
      [5, 5],
      [7, 7],
    ]);
    expect(weekdayRuns([])).toEqual([]);
  });

  it.each([
    [[1, 2, 3, 4, 5, 6, 7], '每天', 'Every day'],
    [[1, 2, 3, 4, 5], '周一至周五', 'Mon–Fri'],
    [[6, 7], '周六、周日', 'Sat, Sun'],
    [[1, 3, 5], '周一、周三、周五', 'Mon, Wed, Fri'],
    [[1, 2, 3, 5, 6, 7], '周一至周三、周五至周日', 'Mon–Wed, Fri–Sun'],
    [[4], '周四', 'Thu'],
  ])('%j reads %s / %s', (days, zhText, enText) => {
    expect(formatWeekdays(days, zh.t)).toBe(zhText);
    expect(formatWeekdays(days, en.t)).toBe(enText);
  });

  it('an end at or before the start is overnight, as the roster counts it', () => {
    expect(isOvernight('08:00', '20:00')).toBe(false);
    expect(isOvernight('20:00', '08:00')).toBe(true);
    expect(isOvernight('00:00', '00:00')).toBe(true); // a full day, ending the next midnight
    expect(isOvernight('23:59', '00:00')).toBe(true);
    expect(formatShiftHours('20:00', '08:00', zh.t)).toBe('20:00–次日08:00');
    expect(formatShiftHours('08:00', '20:00', en.t)).toBe('08:00–20:00');
    expect(formatShiftHours('00:00', '00:00', zh.t)).toBe('全天');
    expect(formatShiftHours('08:00', '08:00', en.t)).toBe('all day');
  });
});
