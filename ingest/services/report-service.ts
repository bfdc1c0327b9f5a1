/**
 * The company's figures for a range of Beijing dates (DESIGN.md §10; docs/reports.md): room-day
 * compliance from the stored readings, the tickets' closure and timeliness, callbacks, stops.
 * The store aggregates the readings per device and day; the judging is the pure core's.
 */
import { addDays, DAY_MS, localDateOf, localMidnight, type LocalDate } from '../contracts/beijing-time.ts';
import type { Report, ReportQuery } from '../contracts/reports.ts';
import { isInHeatingSeason } from '../core/calendar/heating-season.ts';
import { judgeRoomDays, type RoomDayVerdict } from '../core/reports/room-days.ts';
import { ticketFigures } from '../core/reports/ticket-figures.ts';
import type { DeviceRegistry } from '../ports/device-registry.ts';
import type { TicketStore } from '../ports/ticket-store.ts';
import type { OutageService } from './outage-service.ts';
import type { TelemetryStore } from '../ports/telemetry-store.ts';
import type { RulesConfigSource } from './rules-config-source.ts';
import type { WeatherSource } from './weather-source.ts';

/** A room-day counts with readings in at least this many of its hours (DESIGN.md §10). */
export const MIN_HOURS_PER_ROOM_DAY = 12;

export interface ReportServiceDeps {
  store: Pick<TelemetryStore, 'dailyMeans'>;
  registry: Pick<DeviceRegistry, 'list'>;
  tickets: Pick<TicketStore, 'forReport' | 'foundExemptions'>;
  outages: Pick<OutageService, 'forReport'>;
  rules: Pick<RulesConfigSource, 'current'>;
  /** Visits recorded in the range (走访测温); none counted without it. */
  visits?: { figures(from: number, to: number): Promise<{ done: number; refused: number; sensorsFlagged: number }> };
  /** The city's daily mean outdoor temperature, for substations that report none. */
  weather?: Pick<WeatherSource, 'load' | 'dayMean'>;
  clock?: () => number;
}

export function createReportService({ store, registry, tickets, outages, rules, visits, weather, clock = Date.now }: ReportServiceDeps) {
  return {
    /** The figures, and each sensor-day as judged (the room-day table of the exports). */
    async report(q: ReportQuery): Promise<{ report: Report; roomDays: RoomDayVerdict[] }> {
      const now = clock();
      const config = rules.current();
      const from = localMidnight(q.from);
      const to = localMidnight(addDays(q.to, 1));
      // Days that count: in season, and over in Beijing time.
      const days: LocalDate[] = [];
      for (let d = q.from; d <= q.to; d = addDays(d, 1)) {
        const start = localMidnight(d);
        if (start + DAY_MS <= now && isInHeatingSeason(start, config.season)) days.push(d);
      }
      const devices = registry.list();
      const rooms = devices.filter((d) => d.kind === 'room' && d.roomType !== null && config.roomLow.roomTypes.includes(d.roomType));
      const stations = devices.filter((d) => d.kind === 'substation');
      const [roomMeans, outdoorMeans] = days.length === 0
        ? [[], []]
        : await Promise.all([
            store.dailyMeans({ kind: 'room', field: 'temp', deviceIds: rooms.map((r) => r.id), from, to }),
            store.dailyMeans({ kind: 'substation', field: 'outdoorTemp', deviceIds: stations.map((s) => s.id), from, to }),
          ]);
      const stops = await outages.forReport(from, to);
      await weather?.load(days);
      const weatherMeans = new Map(days.flatMap((d) => {
        const m = weather?.dayMean(d);
        return m === undefined ? [] : [[d, m] as const];
      }));
      const foundExempt = (await tickets.foundExemptions(from, to)).map((e) => ({ deviceId: e.deviceId, from: localDateOf(e.since), to: localDateOf(e.until ?? now), reason: e.reason }));
      const roomDays = judgeRoomDays({
        rooms: rooms.map((r) => ({ id: r.id, substationId: r.substationId })),
        days,
        roomMeans,
        outdoorMeans,
        stops,
        foundExempt,
        weatherMeans,
        belowC: config.roomLow.belowC,
        designTempC: config.outdoor.designTempC,
        minHours: MIN_HOURS_PER_ROOM_DAY,
      });
      const t = ticketFigures(await tickets.forReport(from, to), { from, to }, now);
      const { verdicts, ...roomFigures } = roomDays;
      const report: Report = {
        from: q.from,
        to: q.to,
        generatedAt: new Date(now).toISOString(),
        thresholdC: config.roomLow.belowC,
        rooms: { rooms: rooms.length, ...roomFigures },
        tickets: { opened: t.opened, closed: t.closed, closureRate: t.closureRate, timelinessRate: t.timelinessRate, byType: t.byType, bySource: t.bySource, byChannel: t.byChannel, bySubstation: t.bySubstation },
        callbacks: t.callbacks,
        visits: (await visits?.figures(from, to)) ?? { done: 0, refused: 0, sensorsFlagged: 0 },
        notices: { stops: stops.length, lateNotices: stops.filter((s) => s.lateNotice).length },
      };
      return { report, roomDays: verdicts };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;

