/**
 * Which readings a history chart asks for: the time window of each range button and a bucket
 * width that keeps every chart at a few hundred points (the API averages per bucket), so a
 * season of 15-minute room readings still draws in milliseconds.
 */
import { BEIJING_UTC_OFFSET_MS, HOUR_MS } from '../../../../ingest/contracts/beijing-time.ts';

export const HISTORY_RANGES = ['24h', '7d', 'season'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

export interface ReadingsQuery {
  from: string;
  to: string;
  every: string;
}


/** 24 h → 288 points, 7 d → 168, a whole season (≤ 1 year) → ≤ 1 460. */
const WINDOW: Record<Exclude<HistoryRange, 'season'>, { ms: number; every: string }> = {
  '24h': { ms: 24 * HOUR_MS, every: '5m' },
  '7d': { ms: 7 * 24 * HOUR_MS, every: '1h' },
};
const SEASON_EVERY = '6h';

/**
 * Midnight Asia/Shanghai of the latest 15 November not after `now` (DESIGN.md §2: the heating
 * season runs 15 Nov – 19 Mar, local time). Before 1 July that is last year's 15 November; in
 * the summer gap it is still last season's start, so the range never begins in the future.
 */
export function seasonStart(now: number): number {
  const wall = new Date(now + BEIJING_UTC_OFFSET_MS); // its UTC fields read Beijing wall time
  const thisYear = Date.UTC(wall.getUTCFullYear(), 10, 15) - BEIJING_UTC_OFFSET_MS;
  return thisYear <= now ? thisYear : Date.UTC(wall.getUTCFullYear() - 1, 10, 15) - BEIJING_UTC_OFFSET_MS;
}

export function rangeQuery(range: HistoryRange, now: number): ReadingsQuery {
  const to = new Date(now).toISOString();
  if (range === 'season') return { from: new Date(seasonStart(now)).toISOString(), to, every: SEASON_EVERY };
  const { ms, every } = WINDOW[range];
  return { from: new Date(now - ms).toISOString(), to, every };
}

export function readingsPath(deviceId: string, q: ReadingsQuery): string {
  const params = new URLSearchParams({ from: q.from, to: q.to, every: q.every });
  return `/api/devices/${encodeURIComponent(deviceId)}/readings?${params}`;
}
