/**
 * Visits with on-site measurement (走访测温, DESIGN.md §10, seed 六): two or more staff visit a
 * household, measure each room, and the customer signs — or, refusing, says why and a
 * neighbour's room is measured instead. Each measurement is set beside the room sensor's reading
 * at that time: more than 1.5 °C apart flags the sensor for calibration.
 */
import { z } from 'zod';
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
