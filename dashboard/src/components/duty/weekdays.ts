/**
 * Shift times as people read them: weekdays 1 = Monday … 7 = Sunday, consecutive days folded
 * into a range ("周一至周五"), and the overnight rule of the roster (an end at or before the
 * start runs into the next day, like 20:00–08:00).
 */
import type { I18n, MessageKey } from '../../lib/i18n/i18n.svelte.ts';

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export const weekdayKey = (day: number) => `duty.weekday.${day}` as MessageKey;
export const weekdayShortKey = (day: number) => `duty.weekdayShort.${day}` as MessageKey;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The shift runs past midnight into the next day (the roster's rule: end at or before start). */
export function isOvernight(start: string, end: string): boolean {
  return minutesOf(end) <= minutesOf(start);
}

/** Sorted distinct days grouped into runs of consecutive days: [1,2,3,5] → [[1,3],[5,5]]. */
export function weekdayRuns(days: readonly number[]): [number, number][] {
  const sorted = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const day of sorted) {
    const last = runs.at(-1);
    if (last && last[1] === day - 1) last[1] = day;
    else runs.push([day, day]);
  }
  return runs;
}

/** "每天", "周一至周五", "周六、周日" / "Every day", "Mon–Fri", "Sat, Sun". */
export function formatWeekdays(days: readonly number[], t: I18n['t']): string {
  const runs = weekdayRuns(days);
  if (runs.length === 1 && runs[0]![0] === 1 && runs[0]![1] === 7) return t('duty.weekdays.every');
  const parts = runs.flatMap(([from, to]) => {
    // Two days read better listed than as a range.
    if (to - from >= 2) return [t('duty.weekdays.range', { from: t(weekdayKey(from)), to: t(weekdayKey(to)) })];
    return from === to ? [t(weekdayKey(from))] : [t(weekdayKey(from)), t(weekdayKey(to))];
  });
  return parts.join(t('duty.weekdays.sep'));
}

/** "08:00–20:00", "20:00–08:00（跨夜）". */
export function formatShiftHours(start: string, end: string, t: I18n['t']): string {
  // 00:00–00:00 (or any start equal to its end) is the whole day.
  if (start === end) return t('duty.shift.allDay');
  return isOvernight(start, end) ? t('duty.shift.hoursOvernight', { start, end }) : t('duty.shift.hours', { start, end });
}
