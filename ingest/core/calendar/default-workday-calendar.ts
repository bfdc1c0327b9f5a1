/**
 * The working-day calendar bundled with HeatWatch (2025–2026 as published, 2027 provisional).
 * An admin's updated file is read by an adapter and passed through `parseWorkdayCalendar`
 * instead; this one is the fallback.
 */
import bundled from './cn-workdays.json' with { type: 'json' };
import { parseWorkdayCalendar, type WorkdayCalendar } from './working-days.ts';

export const DEFAULT_WORKDAY_CALENDAR: WorkdayCalendar = parseWorkdayCalendar(bundled);
