/**
 * Outdoor air in Zoucheng (35.40 N, 116.97 E) in winter: a daily cycle with its minimum near
 * 06:00 and its maximum near 14:00 local time, around a mean that follows the season (coldest in
 * mid-January) and wanders from day to day as fronts pass, kept
 * within the design range −8 … +10 °C (DESIGN.md §2). A pure function of (seed, time), so every
 * substation and room in a run sees the same weather whatever order they are stepped in.
 */
import { smoothNoise } from './prng.ts';
import { DAY_MS, HOUR_MS, localHourOfDay } from '../ingest/contracts/beijing-time.ts';

export const OUTDOOR_MIN = -8;
export const OUTDOOR_MAX = 10;

/** The mean drifts on a 2.5-day scale, the swing on a 1.5-day scale, small gusts hourly. */
const MEAN_CENTRE = 1;
const MEAN_SPREAD = 4.5;
const SWING_CENTRE = 3.5;
const SWING_SPREAD = 1;
const GUST = 0.4;

/** −1 at 06:00, +1 at 14:00: a fast morning rise (8 h) and a slow evening fall (16 h). */
export function dailyShape(hour: number): number {
  if (hour >= 6 && hour < 14) return -Math.cos((Math.PI * (hour - 6)) / 8);
  const sinceMax = (hour - 14 + 24) % 24;
  return Math.cos((Math.PI * sinceMax) / 16);
}

/** The season: coldest in mid-January (−2.5 °C on the mean), milder at the season's ends. */
const SEASON_AMPLITUDE = 2.5;
const MID_JANUARY_DAY = 15;

export function seasonalOffset(t: number): number {
  const dayOfYear = (t - Date.UTC(new Date(t).getUTCFullYear(), 0, 1)) / DAY_MS;
  return -SEASON_AMPLITUDE * Math.cos((2 * Math.PI * (dayOfYear - MID_JANUARY_DAY)) / 365.25);
}

/** The daily mean around time t (°C), without the daily cycle: the season, and fronts passing every few days. */
export function dailyMeanTemp(seed: number, t: number): number {
  return MEAN_CENTRE + seasonalOffset(t) + MEAN_SPREAD * smoothNoise(seed ^ 0x5eed01, t / (2.5 * DAY_MS));
}

export function outdoorTemp(seed: number, t: number): number {
  const swing = SWING_CENTRE + SWING_SPREAD * smoothNoise(seed ^ 0x5eed02, t / (1.5 * DAY_MS));
  const gust = GUST * smoothNoise(seed ^ 0x5eed03, t / HOUR_MS);
  const temp = dailyMeanTemp(seed, t) + swing * dailyShape(localHourOfDay(t)) + gust;
  return Math.min(OUTDOOR_MAX, Math.max(OUTDOOR_MIN, temp));
}
