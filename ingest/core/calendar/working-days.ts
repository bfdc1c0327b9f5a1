/**
 * The Chinese working-day calendar: Monday to Friday are working days, except the public
 * holidays the State Council publishes each year, and some Saturdays and Sundays are working
 * days (调休上班, make-up workdays). The dates live in an admin-updatable JSON file,
 * `{ "2026": { "holidays": ["2026-02-15", …], "workdays": ["2026-02-14", …], "note"?: "…" } }`,
 * parsed here; the bundled copy is `cn-workdays.json`.
 *
 * A year missing from the file falls back to plain Monday–Friday; `coveredYears` tells the
 * caller which years are known so an adapter can warn before that happens.
 */
import { z } from 'zod';
import { addDays, endOfLocalDay, isLocalDate, localDateOf, weekdayOf, yearOf, type LocalDate } from '../../contracts/beijing-time.ts';
import type { ErrorCode } from '../../errors.ts';

const yearSchema = z
  .object({
    holidays: z.array(z.string().refine(isLocalDate, 'expected a real date YYYY-MM-DD')),
    workdays: z.array(z.string().refine(isLocalDate, 'expected a real date YYYY-MM-DD')),
    note: z.string().optional(),
  })
  .strict();

export const workdayCalendarSchema = z
  .record(z.string().regex(/^\d{4}$/, 'a year key is four digits, e.g. "2026"'), yearSchema)
  .superRefine(
    (years, ctx) => {
      // Runs even when another year failed its shape, so one pass lists every problem: look first.
      for (const [year, entry] of Object.entries(years as Record<string, unknown>)) {
        const { holidays, workdays } = (entry ?? {}) as { holidays?: unknown; workdays?: unknown };
        const dates = (list: unknown): [string, number][] =>
          Array.isArray(list) ? list.flatMap((d, i): [string, number][] => (typeof d === 'string' && isLocalDate(d) ? [[d, i]] : [])) : [];
        const off = new Set(dates(holidays).map(([d]) => d));
        for (const [list, entries] of [['holidays', dates(holidays)], ['workdays', dates(workdays)]] as const) {
          for (const [d, i] of entries) {
            if (d.slice(0, 4) !== year) ctx.addIssue({ code: 'custom', path: [year, list, i], message: `${d} is not in ${year}` });
            if (list === 'holidays') continue;
            if (weekdayOf(d) !== 0 && weekdayOf(d) !== 6) {
              ctx.addIssue({ code: 'custom', path: [year, list, i], message: `${d} is a weekday: a make-up workday is a Saturday or Sunday` });
            }
            if (off.has(d)) ctx.addIssue({ code: 'custom', path: [year, list, i], message: `${d} is also listed as a holiday` });
          }
        }
      }
    },
    { when: () => true },
  );

export type WorkdayCalendarFile = z.input<typeof workdayCalendarSchema>;

export interface WorkdayCalendar {
  readonly holidays: ReadonlySet<LocalDate>;
  readonly workdays: ReadonlySet<LocalDate>;
  /** Years the file describes; other years count Monday–Friday only. */
  readonly coveredYears: ReadonlySet<number>;
  /** Per-year notes from the file, e.g. "PROVISIONAL …". */
  readonly notes: Readonly<Record<string, string>>;
}

export class WorkdayCalendarError extends Error {
  readonly code = 'HW_CALENDAR_INVALID' satisfies ErrorCode;
  constructor(readonly problems: string[]) {
    super(`invalid working-day calendar:\n  - ${problems.join('\n  - ')}`);
    this.name = 'WorkdayCalendarError';
  }
}

/** Validates a working-day file (already JSON-parsed); throws listing every problem. */
export function parseWorkdayCalendar(json: unknown): WorkdayCalendar {
  const parsed = workdayCalendarSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      // A bad year key: say what a key must look like rather than zod's "Invalid key in record".
      const message = i.code === 'invalid_key' ? (i.issues[0]?.message ?? i.message) : i.message;
      return `${i.path.join('.') || '(root)'}: ${message}`;
    });
    throw new WorkdayCalendarError(problems);
  }
  const years = Object.entries(parsed.data);
  return {
    holidays: new Set(years.flatMap(([, y]) => y.holidays)),
    workdays: new Set(years.flatMap(([, y]) => y.workdays)),
    coveredYears: new Set(years.map(([year]) => Number(year))),
    notes: Object.fromEntries(years.flatMap(([year, y]) => (y.note === undefined ? [] : [[year, y.note]]))),
  };
}

export function isWorkingDay(date: LocalDate, calendar: WorkdayCalendar): boolean {
  if (calendar.workdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = weekdayOf(date);
  return weekday !== 0 && weekday !== 6;
}

/** True when the calendar knows the year of `atMs` (local date). */
export function coversDate(atMs: number, calendar: WorkdayCalendar): boolean {
  return calendar.coveredYears.has(yearOf(localDateOf(atMs)));
}

/**
 * The deadline "within n working days after `fromMs`": the end (23:59:59.999 +08:00) of the
 * n-th working day after the local date of `fromMs`. The day of `fromMs` itself never counts,
 * whatever the hour, so a Friday-evening resolution and a Friday-morning one get the same
 * deadline; n = 0 means the end of that same day.
 */
export function addWorkingDays(fromMs: number, n: number, calendar: WorkdayCalendar): number {
  if (!Number.isInteger(n) || n < 0 || n > 366) throw new RangeError(`working days must be a whole number 0–366, got ${n}`);
  let date = localDateOf(fromMs);
  for (let counted = 0; counted < n; ) {
    date = addDays(date, 1);
    if (isWorkingDay(date, calendar)) counted += 1;
  }
  return endOfLocalDay(date);
}
