/**
 * Which days a report covers, pure: a month as its first to last Beijing date, last month by
 * default (what a service manager reports on the 1st), and a rate as the page shows it.
 */
import { addDays, localDateOf, type LocalDate } from '../../../../ingest/contracts/beijing-time.ts';

export interface DateRange {
  from: LocalDate;
  to: LocalDate;
}

/** 'YYYY-MM' → its first and last day. */
export function monthRange(month: string): DateRange {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return { from: `${month}-01`, to: addDays(next, -1) };
}

/** The month before the one `now` falls in, in Beijing time. */
export function lastMonth(now: number): string {
  return addDays(`${localDateOf(now).slice(0, 7)}-01`, -1).slice(0, 7);
}

/** From the 1st of `now`'s month to today, in Beijing time (today itself counts once it is over). */
export function monthToDate(now: number): DateRange {
  const today = localDateOf(now);
  return { from: `${today.slice(0, 7)}-01`, to: today };
}

/** 0.9734 → "97.3 %"; null (nothing counted) → "—". */
export function percentText(rate: number | null): string {
  return rate === null ? '—' : `${(Math.floor(rate * 1000) / 10).toFixed(1)} %`;
}

/** Against its target: met, missed, or nothing to judge. */
export function targetState(rate: number | null, target: number): 'met' | 'missed' | 'none' {
  if (rate === null) return 'none';
  return rate >= target ? 'met' : 'missed';
}
