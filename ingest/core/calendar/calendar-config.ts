/**
 * The calendar part of the rules configuration: the heating season and the deadlines. Part of
 * `rulesConfigSchema` (rules-config.ts), which is the one schema an admin's rules file meets.
 */
import { z } from 'zod';
import { isLocalDate } from '../../contracts/beijing-time.ts';

const WEEK_MIN = 7 * 24 * 60;
const minutes = z.number().positive().max(WEEK_MIN);
/** A deadline in minutes, or null for "no customer deadline". */
const deadline = minutes.nullable();
/** `superRefine` runs even when a sibling field failed, so one pass reports every problem. */
const always = { when: () => true };

const monthDay = z
  .string()
  .regex(/^\d{2}-\d{2}$/, 'expected MM-DD, e.g. 11-15')
  // 2025 is not a leap year: 02-29 would not exist in most seasons.
  .refine((v) => isLocalDate(`2025-${v}`), 'not a date in every year');
const localDate = z.string().refine(isLocalDate, 'expected a real date YYYY-MM-DD, e.g. 2026-11-08');

const seasonOverride = z
  .object({ season: z.number().int().min(2000).max(2200), start: localDate, end: localDate })
  .strict()
  .superRefine((o, ctx) => {
    // Runs even when a sibling field failed: the value may be partly wrong, so look before using.
    const startYear = typeof o.start === 'string' && isLocalDate(o.start) ? Number(o.start.slice(0, 4)) : null;
    const endYear = typeof o.end === 'string' && isLocalDate(o.end) ? Number(o.end.slice(0, 4)) : null;
    if (typeof o.season !== 'number') return;
    if (startYear !== null && startYear !== o.season) {
      ctx.addIssue({ code: 'custom', path: ['start'], message: `must be in ${o.season}, the year the season starts` });
    }
    if (endYear !== null && endYear !== o.season + 1) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: `must be in ${o.season + 1}, the year after the season starts` });
    }
  }, always);

export const seasonConfigSchema = z
  .object({
    // 服务承诺 二.1(1): 15 Nov to 19 Mar (125 days); the city may start earlier or end later.
    start: monthDay.refine((v) => v >= '07-01', 'a season starts in the second half of the year').default('11-15'),
    end: monthDay.refine((v) => v <= '06-30', 'a season ends in the first half of the next year').default('03-19'),
    // 服务承诺 二.4(5): "采暖期开始后的10日内" — the first 10 days count from the actual start.
    firstDays: z.number().int().min(1).max(60).default(10),
    overrides: z
      .array(seasonOverride)
      .default([])
      .refine((list) => new Set(list.map((o) => o.season)).size === list.length, 'one override per season'),
  })
  .strict();

export const deadlinesConfigSchema = z
  .object({
    pipeline_accident: deadline.default(30), // 服务承诺 二.1(5): on site within 30 min
    substation_fault: deadline.default(60), // a substation tripped: on site within 1 h, before its rooms go cold
    leak: deadline.default(60), // 服务承诺 二.4(5): leak, on site within 1 h
    repair: deadline.default(60), // 服务承诺 四.3: repair call, on site within 1 h
    heating_quality: z
      .object({
        // 服务承诺 二.4(5): 5 h in the season's first 10 days, 2 h at other times.
        firstDaysMin: minutes.default(300),
        otherMin: minutes.default(120),
      })
      .strict()
      .prefault({}),
    room_temp_low: deadline.default(480), // 服务承诺 二.1(4): cause found within 8 h
    temp_drop: deadline.default(480), // 服务承诺 二.1(4): cause found within 8 h
    inquiry: deadline.default(30), // 服务承诺 二.4(2)(3): a reply within half an hour
    // 服务承诺 二.4(3): a complex question gets its full answer within five days (of the call).
    inquiry_complex_answer: minutes.default(5 * 24 * 60),
    staff_complaint: deadline.default(30), // 服务承诺 二.4(2): a complaint is answered within half an hour
    suggestion: deadline.default(null), // 五.10: thanked and recorded
    sensor_offline: deadline.default(null), // maintenance queue, no customer deadline
    sensor_calibration: deadline.default(null), // maintenance queue, found by a visit
  })
  .strict();

export const callbackConfigSchema = z
  .object({
    // 服务承诺 二.1(7): a callback within 3 working days of the service.
    workingDays: z.number().int().min(1).max(30).default(3),
  })
  .strict();

export type SeasonConfig = z.output<typeof seasonConfigSchema>;
