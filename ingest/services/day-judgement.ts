/**
 * A finished Beijing day, judged (服务承诺 二.1(2), 二.5): its room-days computed and kept for the
 * reports, and its room tickets' design-temperature exemption decided on that day's own mean
 * outdoor temperature — the substation's (readings in at least 12 of its hours), else the weather
 * source's. When a ticket opened only the 24 hours before were known; a cold morning on a mild
 * day that had exempted it is undone here, and a day whose mean turned out below design exempts
 * it. Housekeeping runs it hourly for yesterday; `HeatWatch.judgeDay` runs it for any day.
 */
import { addDays, DAY_MS, localDateOf, localMidnight, type LocalDate } from '../contracts/beijing-time.ts';
import type { TelemetryStore } from '../ports/telemetry-store.ts';
import type { ReportService } from './report-service.ts';
import type { TicketService } from './ticket-service.ts';
import type { WeatherSource } from './weather-source.ts';

/** A substation's day counts with outdoor readings in at least this many of its hours. */
const MIN_OUTDOOR_HOURS = 12;

export interface DayJudgementDeps {
  reports: Pick<ReportService, 'report'>;
  tickets: Pick<TicketService, 'list' | 'judgeOutdoorExemption'>;
  store: Pick<TelemetryStore, 'dailyMeans'>;
  weather?: Pick<WeatherSource, 'load' | 'dayMean'>;
  designTempC: () => number;
}

export function createDayJudgement(d: DayJudgementDeps) {
  return {
    async judge(date: LocalDate): Promise<{ exempted: number; cleared: number }> {
      await d.reports.report({ from: date, to: date });
      const from = localMidnight(date);
      // Its episodes' tickets: opened that day, or the next when their readings came late.
      const rooms = (await d.tickets.list({ type: 'room_temp_low', from: date, to: addDays(date, 1), format: 'json', limit: 100_000 })).filter((t) => t.rule === 'room_low' && (t.exempt === null || t.exempt === 'outdoor_below_design') && localDateOf(Date.parse(t.eventAt ?? t.openedAt)) === date);
      if (rooms.length === 0) return { exempted: 0, cleared: 0 };
      const stations = [...new Set(rooms.flatMap((t) => (t.substationId ? [t.substationId] : [])))];
      const means = await d.store.dailyMeans({ kind: 'substation', field: 'outdoorTemp', deviceIds: stations, from, to: from + DAY_MS });
      const bySubstation = new Map(means.filter((m) => m.date === date && m.hours >= MIN_OUTDOOR_HOURS).map((m) => [m.deviceId, m.mean]));
      await d.weather?.load([date]);
      const designC = d.designTempC();
      let exempted = 0;
      let cleared = 0;
      for (const t of rooms) {
        const outdoorC = (t.substationId ? bySubstation.get(t.substationId) : undefined) ?? d.weather?.dayMean(date);
        if (outdoorC === undefined) continue;
        const before = t.exempt;
        if (await d.tickets.judgeOutdoorExemption(t.id, { fact: 'outdoor_day_mean', date, outdoorC, designC })) {
          if (before === null) exempted += 1;
          else cleared += 1;
        }
      }
      return { exempted, cleared };
    },
  };
}
