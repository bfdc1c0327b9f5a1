/**
 * Visits with on-site measurement (走访测温, DESIGN.md §10, seed 六): two or more staff visit a
 * household, measure each room, and the customer signs — or, refusing, says why and a
 * neighbour's room is measured instead. Each measurement is set beside the room sensor's reading
 * at that time: more than 1.5 °C apart flags the sensor for calibration.
 */
import { z } from 'zod';
import { isLocalDate } from './beijing-time.ts';
import { DEVICE_ID_PATTERN } from './topics.ts';

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const id = z.string().regex(DEVICE_ID_PATTERN);

/** A measured sensor differing by more than this from the thermometer is to be calibrated. */
export const CALIBRATION_LIMIT_C = 1.5;
/** 尽量不安排夜间走访: 20:00–07:00 Beijing time only when the customer asked for it. */
export const NIGHT_FROM_HOUR = 20;
export const NIGHT_TO_HOUR = 7;
/** A signature is a small PNG from the pad; anything larger is not one. */
export const MAX_SIGNATURE_BYTES = 256 * 1024;

export const measurementSchema = z
  .object({
    /** 卧室, 客厅 … as written on the form. */
    room: z.string().trim().min(1).max(40),
    temp: z.number().min(-20).max(45),
    /** The room's sensor, when it has one: its reading is compared. */
    deviceId: id.optional(),
  })
  .strict();
export type MeasurementInput = z.output<typeof measurementSchema>;

export const newVisitSchema = z
  .object({
    householdId: id,
    scheduledAt: instant,
    /** The staff going, by name (seed 六.1: 走访人员不少于 2 人). */
    staff: z.array(z.string().trim().min(1).max(50)).max(10),
    /** The ticket this visit answers (a heating-quality complaint: its on-site step). */
    ticketId: z.string().max(20).optional(),
    customerAskedForNight: z.boolean().default(false),
    note: z.string().trim().max(2000).default(''),
  })
  .strict();
export type NewVisit = z.output<typeof newVisitSchema>;

export const completeVisitSchema = z
  .object({
    at: instant.optional(),
    measurements: z.array(measurementSchema).max(20),
    /** The customer's signature from the pad: data:image/png;base64,… */
    signature: z.string().max(Math.ceil((MAX_SIGNATURE_BYTES * 4) / 3) + 64).optional(),
    refused: z
      .object({
        reason: z.string().trim().min(1).max(500),
        neighbourHouseholdId: id,
        neighbourMeasurements: z.array(measurementSchema).max(20),
      })
      .strict()
      .optional(),
    note: z.string().trim().max(2000).default(''),
  })
  .strict();
export type CompleteVisit = z.output<typeof completeVisitSchema>;

export type VisitStatus = 'planned' | 'done' | 'cancelled';

export interface Measurement {
  room: string;
  temp: number;
  deviceId: string | null;
  /** The sensor's reading nearest the measurement (within 30 min); null without a sensor or reading. */
  sensorC: number | null;
  /** The sensor differs from the thermometer by more than CALIBRATION_LIMIT_C. */
  calibrate: boolean;
}

export interface Visit {
  id: string;
  householdId: string;
  scheduledAt: string;
  staff: string[];
  ticketId: string | null;
  customerAskedForNight: boolean;
  note: string;
  status: VisitStatus;
  createdAt: string;
  createdBy: string;
  completedAt: string | null;
  completedBy: string | null;
  measurements: Measurement[];
  /** Whether the customer signed (the PNG at GET /api/visits/:id/signature). */
  signed: boolean;
  refused: { reason: string; neighbourHouseholdId: string; neighbourMeasurements: Measurement[] } | null;
  completionNote: string;
}

/**
 * The tickets a visit answers (a customer's complaint about the heat or a repair in the home):
 * the dashboard offers 安排走访 on them, and the visit service refuses a visit for any other.
 */
export const VISIT_TICKET_TYPES = ['heating_quality', 'room_temp_low', 'temp_drop', 'repair', 'leak'] as const;

/** A round's first visit when none is said: 09:00 Beijing time. */
export const ROUND_START_DEFAULT = '09:00';
/** Minutes between a round's visits when none is said. */
export const ROUND_MINUTES_DEFAULT = 20;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM, 24-hour, Beijing time, e.g. 09:00');

/**
 * 定期走访: one visit for every household of a substation on a day, one after the other, by the
 * same staff — those already visited (or to be) that day are skipped, and none goes into the
 * night (20:00–07:00).
 */
export const visitRoundSchema = z
  .object({
    substationId: id,
    date: z.string().refine(isLocalDate, 'a date YYYY-MM-DD (Beijing)'),
    staff: z.array(z.string().trim().min(1).max(50)).max(10),
    /** The first visit, HH:MM Beijing time that day. */
    startAt: hhmm.default(ROUND_START_DEFAULT),
    minutesEach: z.number().int().min(5).max(240).default(ROUND_MINUTES_DEFAULT),
  })
  .strict();
export type VisitRoundInput = z.output<typeof visitRoundSchema>;

/** Why a household of the round got no visit: visited (or planned) that day, or no time left before 20:00. */
export const ROUND_SKIP_REASONS = ['already_visited', 'no_time_before_night'] as const;
export type RoundSkipReason = (typeof ROUND_SKIP_REASONS)[number];

export interface VisitRound {
  planned: Visit[];
  skipped: { householdId: string; reason: RoundSkipReason }[];
}
