/**
 * The company's figures (DESIGN.md §10; 服务承诺 二.5, 四.4): GET /api/reports for a range of
 * Beijing dates. Rates are 0–1, or null when nothing counts.
 */
import { z } from 'zod';
import { DAY_MS, isLocalDate, localMidnight, type LocalDate } from './beijing-time.ts';
import type { IntakeChannel, TicketType } from './tickets.ts';

/** A Beijing date in a query string. */
export const localDateSchema = z.string().refine(isLocalDate, 'a date YYYY-MM-DD');
const localDate = localDateSchema;
/** At most a year and a day: a season fits, a decade does not. */
export const MAX_REPORT_DAYS = 366;

export const reportQuerySchema = z
  .object({
    from: localDate,
    to: localDate,
    /** json: the figures; xlsx: the workbook; csv: the room-day table. */
    format: z.enum(['json', 'xlsx', 'csv']).default('json'),
  })
  .strict()
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before `from`' })
  .refine((q) => (localMidnight(q.to) - localMidnight(q.from)) / DAY_MS < MAX_REPORT_DAYS, { path: ['to'], message: `at most ${MAX_REPORT_DAYS} days` });
export type ReportQuery = Pick<z.output<typeof reportQuerySchema>, 'from' | 'to'>;

export interface RoomDayCounts {
  /** Room-days that count: not exempt. */
  roomDays: number;
  compliantRoomDays: number;
  /** Counted apart, out of the rate: outdoors below the design temperature, or a registered stop. */
  exemptRoomDays: number;
  complianceRate: number | null;
}

export interface TicketCounts {
  opened: number;
  closed: number;
  onTime: number;
  late: number;
}

export interface Report {
  from: LocalDate;
  to: LocalDate;
  generatedAt: string;
  /** The room threshold the days were judged by (°C). */
  thresholdC: number;
  rooms: RoomDayCounts & {
    /** Room sensors that count (bedrooms and living rooms). */
    rooms: number;
    byDay: ({ date: LocalDate } & RoomDayCounts)[];
    bySubstation: ({ substationId: string | null; rooms: number } & RoomDayCounts)[];
  };
  tickets: {
    opened: number;
    closed: number;
    closureRate: number | null;
    timelinessRate: number | null;
    byType: Partial<Record<TicketType, TicketCounts>>;
    bySource: { rule: number; hotline: number };
    /** Customers' tickets by intake channel (seed 三, 四.4); a channel nothing came by is left out. */
    byChannel: Partial<Record<IntakeChannel, number>>;
    /** Per substation the tickets were about (null: none, e.g. a hotline call without a device), by id. */
    bySubstation: ({ substationId: string | null } & TicketCounts)[];
  };
  /**
   * Callbacks due in the range (服务承诺 二.1(7)): done, on time, late (done late, or not done by
   * the deadline); and what the customers said (四.2 达到用户满意), with `satisfactionRate` the
   * share of satisfied or basically satisfied among those done (null when none).
   */
  callbacks: {
    due: number;
    done: number;
    onTime: number;
    late: number;
    satisfied: number;
    basicallySatisfied: number;
    dissatisfied: number;
    satisfactionRate: number | null;
  };
  visits: { done: number; refused: number; sensorsFlagged: number };
  notices: { stops: number; lateNotices: number };
}

/** One line of the per-substation table (the 报表 page, the workbook): its rooms' days and its tickets. */
export type SubstationLine = { substationId: string | null; rooms: number } & RoomDayCounts & { tickets: TicketCounts };

/**
 * The rooms' and the tickets' figures per substation side by side, in id order; a substation
 * with tickets but no room sensor that counts still has its line (null, "not linked", last).
 */
export function substationLines(report: Pick<Report, 'rooms' | 'tickets'>): SubstationLine[] {
  const none: TicketCounts = { opened: 0, closed: 0, onTime: 0, late: 0 };
  const tickets = new Map(report.tickets.bySubstation.map(({ substationId, ...counts }) => [substationId, counts]));
  const lines: SubstationLine[] = report.rooms.bySubstation.map((s) => ({ ...s, tickets: tickets.get(s.substationId) ?? none }));
  const seen = new Set(lines.map((l) => l.substationId));
  for (const [substationId, counts] of tickets) {
    if (!seen.has(substationId)) lines.push({ substationId, rooms: 0, roomDays: 0, compliantRoomDays: 0, exemptRoomDays: 0, complianceRate: null, tickets: counts });
  }
  return lines.sort((a, b) => (a.substationId === null ? 1 : b.substationId === null ? -1 : a.substationId.localeCompare(b.substationId)));
}
