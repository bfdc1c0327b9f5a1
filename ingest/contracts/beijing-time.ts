/**
 * Beijing time (Asia/Shanghai), defined once for the core, the adapters, the dashboard and the
 * simulators. China has kept UTC+8 all year since 1991 (no daylight saving), so a fixed offset is
 * exact for every date HeatWatch handles and needs no time-zone database. A local date is
 * written 'YYYY-MM-DD'.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const BEIJING_UTC_OFFSET_MS = 8 * HOUR_MS;

/** A local calendar date, 'YYYY-MM-DD'. */
export type LocalDate = string;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date in 'YYYY-MM-DD' form ('2027-02-29' is not one). */
export function isLocalDate(text: string): boolean {
  const m = DATE_PATTERN.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** The local date (Asia/Shanghai) of an instant. */
export function localDateOf(ms: number): LocalDate {
  return new Date(ms + BEIJING_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of local midnight (00:00 +08:00) starting `date`. */
export function localMidnight(date: LocalDate): number {
  return Date.parse(`${date}T00:00:00Z`) - BEIJING_UTC_OFFSET_MS;
}

/** The last millisecond of `date`, 23:59:59.999 +08:00. */
export function endOfLocalDay(date: LocalDate): number {
  return localMidnight(date) + DAY_MS - 1;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

/** Hours since local midnight, 0 ≤ h < 24. */
export function localHourOfDay(ms: number): number {
  const local = (((ms + BEIJING_UTC_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return local / HOUR_MS;
}

/** `2026-01-15T09:00:00+08:00`: an instant as a dispatcher in Zoucheng reads it. */
export function formatBeijing(ms: number): string {
  return new Date(ms + BEIJING_UTC_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/** `12-10 08:30`: short enough for a page's title on a phone's lock screen. */
export function beijingClock(ms: number): string {
  const iso = new Date(ms + BEIJING_UTC_OFFSET_MS).toISOString();
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}
