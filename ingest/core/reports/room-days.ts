/**
 * Room-temperature compliance (服务承诺 二.1(2), 二.5: 室温合格率 ≥ 97 %), pure. A room-day is a
 * bedroom or living-room sensor on an in-season Beijing day that is over, with readings in at
 * least `minHours` of its 24 hours; it is compliant when that day's mean is at or above the
 * threshold, and exempt — counted apart, out of the rate — when the substation's mean outdoor
 * temperature that day (or the weather source's, when it reported none) was below the design
 * temperature, a registered stop covered part of it, or an engineer found the building envelope
 * or the customer's installation to be the cause of that room's episode.
 */
import { DAY_MS, localMidnight, type LocalDate } from '../../contracts/beijing-time.ts';
import type { RoomDayCounts } from '../../contracts/reports.ts';

export interface DailyMean {
  deviceId: string;
  date: LocalDate;
  /** Hours of the day with at least one reading. */
  hours: number;
  mean: number;
}

export interface RoomDayInput {
  rooms: readonly { id: string; substationId: string | null }[];
  /** The days that count: in season and over, in order. */
  days: readonly LocalDate[];
  roomMeans: readonly DailyMean[];
  /** Each substation's daily mean outdoor temperature. */
  outdoorMeans: readonly DailyMean[];
  stops: readonly { substationId: string; startsAt: number; endsAt: number }[];
  /**
   * 服务承诺 二.1(2): a room's days the engineer found not the company's to answer for — the
   * building envelope or the customer's own installation — from the day its episode began to the
   * day it was resolved, both included.
   */
  foundExempt: readonly { deviceId: string; from: LocalDate; to: LocalDate; reason?: 'building_envelope' | 'customer_installation' }[];
  /** The city's daily mean outdoor temperature from a weather source, for a substation that reported none. */
  weatherMeans?: ReadonlyMap<LocalDate, number>;
  belowC: number;
  designTempC: number;
  minHours: number;
}

/** One sensor-day as judged, for the room-day table (CSV) and the substation sheets. */
export interface RoomDayVerdict {
  deviceId: string;
  substationId: string | null;
  date: LocalDate;
  hours: number;
  mean: number;
  verdict: 'compliant' | 'below' | 'exempt' | 'too_few_hours';
  /** The day's mean outdoor temperature it was judged on (the substation's, else the weather source's), or null. */
  outdoorC: number | null;
  /** Why an exempt day is counted apart, for the heating authority: the first reason that held. */
  exemptBecause: 'outdoor_below_design' | 'stop' | 'building_envelope' | 'customer_installation' | null;
}

export interface RoomDayResult extends RoomDayCounts {
  byDay: ({ date: LocalDate } & RoomDayCounts)[];
  bySubstation: ({ substationId: string | null; rooms: number } & RoomDayCounts)[];
  verdicts: RoomDayVerdict[];
}

interface Tally {
  roomDays: number;
  compliantRoomDays: number;
  exemptRoomDays: number;
}

const tally = (): Tally => ({ roomDays: 0, compliantRoomDays: 0, exemptRoomDays: 0 });
const withRate = (t: Tally): RoomDayCounts => ({ ...t, complianceRate: t.roomDays === 0 ? null : t.compliantRoomDays / t.roomDays });

export function judgeRoomDays(input: RoomDayInput): RoomDayResult {
  const counted = new Set(input.days);
  const substationOf = new Map(input.rooms.map((r) => [r.id, r.substationId]));
  const outdoor = new Map(input.outdoorMeans.map((m) => [`${m.deviceId}|${m.date}`, m.mean]));
  const stopped = (substationId: string | null, date: LocalDate) => {
    if (substationId === null) return false;
    const start = localMidnight(date);
    return input.stops.some((s) => s.substationId === substationId && s.startsAt < start + DAY_MS && s.endsAt > start);
  };
  const total = tally();
  const byDay = new Map(input.days.map((d) => [d, tally()]));
  const bySubstation = new Map<string | null, Tally & { rooms: number }>();
  for (const r of input.rooms) {
    const s = bySubstation.get(r.substationId) ?? { ...tally(), rooms: 0 };
    s.rooms += 1;
    bySubstation.set(r.substationId, s);
  }
  const verdicts: RoomDayVerdict[] = [];
  for (const m of input.roomMeans) {
    if (!counted.has(m.date) || !substationOf.has(m.deviceId)) continue;
    const substationId = substationOf.get(m.deviceId) ?? null;
    const outdoorMean = (substationId === null ? undefined : outdoor.get(`${substationId}|${m.date}`)) ?? input.weatherMeans?.get(m.date);
    const verdict = (v: RoomDayVerdict['verdict'], exemptBecause: RoomDayVerdict['exemptBecause'] = null) =>
      verdicts.push({ deviceId: m.deviceId, substationId, date: m.date, hours: m.hours, mean: m.mean, verdict: v, outdoorC: outdoorMean ?? null, exemptBecause });
    if (m.hours < input.minHours) {
      verdict('too_few_hours');
      continue;
    }
    const found = input.foundExempt.find((e) => e.deviceId === m.deviceId && e.from <= m.date && m.date <= e.to);
    const because: RoomDayVerdict['exemptBecause'] =
      outdoorMean !== undefined && outdoorMean < input.designTempC ? 'outdoor_below_design' : stopped(substationId, m.date) ? 'stop' : found ? (found.reason ?? 'customer_installation') : null;
    const exempt = because !== null;
    verdict(exempt ? 'exempt' : m.mean >= input.belowC ? 'compliant' : 'below', because);
    for (const t of [total, byDay.get(m.date)!, bySubstation.get(substationId)!]) {
      if (exempt) t.exemptRoomDays += 1;
      else {
        t.roomDays += 1;
        if (m.mean >= input.belowC) t.compliantRoomDays += 1;
      }
    }
  }
  return {
    ...withRate(total),
    byDay: [...byDay].map(([date, t]) => ({ date, ...withRate(t) })),
    bySubstation: [...bySubstation].map(([substationId, t]) => ({ substationId, rooms: t.rooms, ...withRate(t) })).sort((a, b) => String(a.substationId).localeCompare(String(b.substationId))),
    verdicts,
  };
}
