/**
 * The city's daily mean outdoor temperature from a weather source (issue 17): what the design-
 * temperature exemption falls back on when a substation reports no outdoor temperature of its
 * own, and what the report judges such a substation's days on. Configured by either
 *
 * - `HEATWATCH_WEATHER_URL`: `GET <url>?date=YYYY-MM-DD` answers `{"date": "…", "meanC": -8.2}`
 *   (the meteorological service's daily mean, or its forecast for today), or 404 when unknown;
 * - `HEATWATCH_WEATHER_FILE`: a JSON object `{"2026-12-01": -8.2, …}` (a station's record, or
 *   the tests' fixture), read again when it changes.
 *
 * The rules engine asks synchronously, so the days it may ask about (today and yesterday,
 * Beijing) are kept fresh in memory: fetched at start and every `refreshMs`; the report loads
 * the days of its range before judging them. A source that does not answer leaves those days
 * without a mean (no exemption from it) and is logged once per failure streak, never fatal.
 */
import fs from 'node:fs';
import type { Logger } from 'pino';
import { addDays, localDateOf, type LocalDate } from '../contracts/beijing-time.ts';

export interface WeatherSource {
  /** The day's mean outdoor temperature when known (cached), else undefined. */
  dayMean(date: LocalDate): number | undefined;
  /** Fetches the days not known yet (a report's range); at most 400 at once. */
  load(dates: readonly LocalDate[]): Promise<void>;
  close(): void;
}

export interface WeatherSourceOptions {
  url?: string;
  file?: string;
  logger: Logger;
  clock?: () => number;
  refreshMs?: number;
  fetchTimeoutMs?: number;
}

const isMean = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > -80 && v < 60;

export function createWeatherSource({ url, file, logger, clock = Date.now, refreshMs = 30 * 60_000, fetchTimeoutMs = 5000 }: WeatherSourceOptions): WeatherSource | undefined {
  if (!url && !file) return undefined;
  const log = logger.child({ component: 'weather' });
  const means = new Map<LocalDate, number>();
  let failing = false;

  function readFile(): void {
    try {
      const parsed = JSON.parse(fs.readFileSync(file!, 'utf8')) as Record<string, unknown>;
      means.clear();
      for (const [date, v] of Object.entries(parsed)) if (/^\d{4}-\d{2}-\d{2}$/.test(date) && isMean(v)) means.set(date, v);
      failing = false;
    } catch (err) {
      if (!failing) log.warn({ err, file }, 'weather file unreadable: no daily means from it');
      failing = true;
    }
  }

  async function fetchDay(date: LocalDate): Promise<void> {
    try {
      const res = await fetch(`${url}${url!.includes('?') ? '&' : '?'}date=${date}`, { signal: AbortSignal.timeout(fetchTimeoutMs) });
      if (res.status === 404) return;
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { meanC?: unknown };
      if (!isMean(body.meanC)) throw new Error('no meanC in the answer');
      means.set(date, body.meanC);
      failing = false;
    } catch (err) {
      if (!failing) log.warn({ err: (err as Error).message, url }, 'weather source not answering: no daily means from it');
      failing = true;
    }
  }

  const recentDays = () => {
    const today = localDateOf(clock());
    return [addDays(today, -1), today];
  };
  async function refresh(): Promise<void> {
    if (file) return readFile();
    // Today's mean moves until the day is over: fetched again each time.
    for (const d of recentDays()) await fetchDay(d);
  }

  void refresh();
  const timer = setInterval(() => void refresh(), refreshMs);
  timer.unref();
  const watcher = file ? fs.watchFile(file, { interval: 2000 }, () => readFile()) : undefined;

  return {
    dayMean: (date) => means.get(date),
    async load(dates) {
      if (file) return;
      const missing = dates.filter((d) => !means.has(d)).slice(0, 400);
      for (const d of missing) await fetchDay(d);
    },
    close() {
      clearInterval(timer);
      if (watcher) fs.unwatchFile(file!);
    },
  };
}
