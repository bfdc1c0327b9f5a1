/**
 * The heating season (服务承诺 二.1(1)): 15 Nov to 19 Mar by default, at local dates in
 * Asia/Shanghai. A season is named by the year it starts in: season 2026 runs from
 * 2026-11-15 00:00 +08:00 up to, not including, 2027-03-20 00:00 +08:00. The city may start
 * earlier or end later in a given season ("按照市政府规定办理"): `overrides` replace both dates.
 */
import type { SeasonConfig } from './calendar-config.ts';
import { addDays, DAY_MS, localDateOf, localMidnight, yearOf, type LocalDate } from '../../contracts/beijing-time.ts';

export type { SeasonConfig };

export interface HeatingSeason {
  /** The year the season starts in. */
  season: number;
  /** First local day of heating. */
  start: LocalDate;
  /** Last local day of heating (inclusive). */
  end: LocalDate;
  /** 00:00 +08:00 on `start`. */
  startMs: number;
  /** 00:00 +08:00 on the day after `end`: the season is [startMs, endMs). */
  endMs: number;
}

/** The dates of one season, with the city's override for it if there is one. */
export function heatingSeason(season: number, config: SeasonConfig): HeatingSeason {
  const override = config.overrides.find((o) => o.season === season);
  const start = override?.start ?? `${season}-${config.start}`;
  const end = override?.end ?? `${season + 1}-${config.end}`;
  return { season, start, end, startMs: localMidnight(start), endMs: localMidnight(addDays(end, 1)) };
}

/** The season that `atMs` falls in, or null between seasons. */
export function heatingSeasonAt(atMs: number, config: SeasonConfig): HeatingSeason | null {
  const year = yearOf(localDateOf(atMs));
  // A local date can only belong to the season that started this year or the one before.
  for (const candidate of [year, year - 1]) {
    const s = heatingSeason(candidate, config);
    if (atMs >= s.startMs && atMs < s.endMs) return s;
  }
  return null;
}

export function isInHeatingSeason(atMs: number, config: SeasonConfig): boolean {
  return heatingSeasonAt(atMs, config) !== null;
}

/** 1 on the season's first local day, 2 on the next …; null between seasons. */
export function seasonDay(atMs: number, config: SeasonConfig): number | null {
  const s = heatingSeasonAt(atMs, config);
  return s === null ? null : Math.floor((atMs - s.startMs) / DAY_MS) + 1;
}

/**
 * True inside the season's first `days` local days, counted from the actual (possibly early)
 * start: 服务承诺 二.4(5) "采暖期开始后的10日内". Defaults to `config.firstDays`.
 */
export function isInFirstDaysOfSeason(atMs: number, config: SeasonConfig, days: number = config.firstDays): boolean {
  const day = seasonDay(atMs, config);
  return day !== null && day <= days;
}
