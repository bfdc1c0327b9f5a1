/** Zoucheng keeps China Standard Time (UTC+8, no daylight saving), so local time is a fixed shift. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Hours since local midnight, 0 ≤ h < 24. */
export function localHourOfDay(t: number): number {
  const local = (((t + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return local / HOUR_MS;
}

/** `2026-01-15T09:00:00+08:00`: how a dispatcher in Zoucheng reads a time. */
export function formatShanghai(t: number): string {
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}
