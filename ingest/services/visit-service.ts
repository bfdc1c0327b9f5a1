/**
 * Visits with on-site measurement (issue 16, seed 六): planned for a household, two or more
 * staff, not at night unless the customer asked; completed once with the form — each room
 * measured and set beside its sensor's reading then (more than 1.5 °C apart: the sensor is
 * flagged for calibration), the customer's signature or their refusal with a neighbour's
 * measurement. A visit answering a heating-quality complaint is that ticket's on-site step.
 */
import type { Household } from '../contracts/households.ts';
import type { Ticket } from '../contracts/tickets.ts';
import { VISIT_TICKET_TYPES, type CompleteVisit, type Measurement, type MeasurementInput, type NewVisit, type Visit } from '../contracts/visits.ts';
import type { Device } from '../contracts/devices.ts';
import { completionProblems, needsCalibration, planProblems, signaturePng } from '../core/visits/visit-rules.ts';
import { AppError } from '../errors.ts';
import type { ReadingRow } from '../ports/telemetry-store.ts';
import type { VisitStore } from '../ports/visit-store.ts';
import type { Step } from '../contracts/ticket-lifecycle.ts';

/** A sensor reading this close to the measurement is compared with it. */
const NEAR_MS = 30 * 60_000;
const CUSTOMER_VISIT_TYPES: ReadonlySet<Ticket['type']> = new Set(VISIT_TICKET_TYPES);

export interface CalibrationFlag {
  deviceId: string;
  visitId: string;
  at: number;
  measuredC: number;
  sensorC: number;
}

export interface VisitDeps {
  store: VisitStore;
  household: (id: string) => Promise<Household | undefined>;
  device: (id: string) => Pick<Device, 'kind'> | undefined;
  ticket: (id: string) => Promise<Ticket | undefined>;
  step: (id: string, step: Step, actor: string, input: { visit: string }) => Promise<Ticket>;
  readings: (deviceId: string, from: number, to: number) => Promise<ReadingRow[]>;
  /** A sensor the thermometer disagrees with (or agrees with again: `null`). */
  onCalibration: (deviceId: string, flag: CalibrationFlag | null) => void;
  /** The same finding at the moment of the visit (not at restart): the sensor's maintenance ticket. */
  maintenance?: (deviceId: string, flag: CalibrationFlag | null, actor: string) => Promise<void>;
  clock?: () => number;
}

export function createVisitService(d: VisitDeps) {
  const clock = d.clock ?? Date.now;
  const refuse = (problems: string[]) => {
    if (problems.length > 0) throw new AppError('HW_BAD_REQUEST', problems.join('; '));
  };
  const mustGet = async (id: string): Promise<Visit> => {
    const v = await d.store.get(id);
    if (!v) throw new AppError('HW_NOT_FOUND', `no visit ${id}`);
    return v;
  };

  /** Each measurement beside its sensor's nearest reading; a sensor must be one of the home's rooms. */
  async function compare(list: readonly MeasurementInput[], home: Household, at: number, field: string): Promise<Measurement[]> {
    const out: Measurement[] = [];
    for (const [i, m] of list.entries()) {
      if (m.deviceId !== undefined && !home.deviceIds.includes(m.deviceId)) throw new AppError('HW_BAD_REQUEST', `${field}.${i}.deviceId: ${m.deviceId} is not a sensor of household ${home.id}`);
      let sensorC: number | null = null;
      if (m.deviceId) {
        const rows = await d.readings(m.deviceId, at - NEAR_MS, at + NEAR_MS + 1);
        const nearest = rows.filter((r) => typeof r.values.temp === 'number').sort((a, b) => Math.abs(a.ts - at) - Math.abs(b.ts - at))[0];
        sensorC = nearest?.values.temp ?? null;
      }
      out.push({ room: m.room, temp: m.temp, deviceId: m.deviceId ?? null, sensorC, calibrate: needsCalibration(m.temp, sensorC) });
    }
    return out;
  }

  return {
    async plan(input: NewVisit, actor: string): Promise<Visit> {
      const home = await d.household(input.householdId);
      if (!home) throw new AppError('HW_NOT_FOUND', `no household ${input.householdId}`);
      refuse(planProblems(input));
      if (input.ticketId !== undefined) {
        const t = await d.ticket(input.ticketId);
        if (!t) throw new AppError('HW_NOT_FOUND', `no ticket ${input.ticketId}`);
        if (!CUSTOMER_VISIT_TYPES.has(t.type) || t.status === 'closed') throw new AppError('HW_CONFLICT', `ticket ${t.id} (${t.type}, ${t.status}) is not one a visit answers`);
      }
      const staff = [...new Set(input.staff.map((s) => s.trim()))];
      return d.store.insert({ householdId: home.id, scheduledAt: input.scheduledAt, staff, ticketId: input.ticketId ?? null, customerAskedForNight: input.customerAskedForNight, note: input.note, at: clock(), by: actor });
    },

    async complete(id: string, input: CompleteVisit, actor: string): Promise<Visit> {
      const v = await mustGet(id);
      if (v.status !== 'planned') throw new AppError('HW_CONFLICT', `visit ${id} is ${v.status === 'done' ? 'already recorded' : 'cancelled'}`);
      refuse(completionProblems(input));
      const home = await d.household(v.householdId);
      if (!home) throw new AppError('HW_CONFLICT', `household ${v.householdId} no longer exists`);
      const at = input.at ?? clock();
      if (at > clock() + 5 * 60_000) throw new AppError('HW_BAD_REQUEST', 'at: a visit is recorded after it happened, not in the future');
      const measurements = await compare(input.measurements, home, at, 'measurements');
      let refused: Visit['refused'] = null;
      if (input.refused) {
        const neighbour = await d.household(input.refused.neighbourHouseholdId);
        if (!neighbour) throw new AppError('HW_BAD_REQUEST', `refused.neighbourHouseholdId: no household ${input.refused.neighbourHouseholdId}`);
        if (neighbour.id === home.id) throw new AppError('HW_BAD_REQUEST', "refused.neighbourHouseholdId: the neighbour's home, not the customer's own");
        refused = { reason: input.refused.reason, neighbourHouseholdId: neighbour.id, neighbourMeasurements: await compare(input.refused.neighbourMeasurements, neighbour, at, 'refused.neighbourMeasurements') };
      }
      const signature = input.signature === undefined ? null : signaturePng(input.signature);
      if (!(await d.store.complete(id, { at, by: actor, measurements, signaturePng: signature, refused, note: input.note }))) {
        throw new AppError('HW_CONFLICT', `visit ${id} was recorded meanwhile`);
      }
      for (const m of [...measurements, ...(refused?.neighbourMeasurements ?? [])]) {
        if (m.deviceId && m.sensorC !== null) {
          const flag = m.calibrate ? { deviceId: m.deviceId, visitId: id, at, measuredC: m.temp, sensorC: m.sensorC } : null;
          d.onCalibration(m.deviceId, flag);
          await d.maintenance?.(m.deviceId, flag, actor);
        }
      }
      // The visit is the complaint's on-site step (acknowledged first when nobody had yet).
      const t = v.ticketId ? await d.ticket(v.ticketId) : undefined;
      if (t && (t.status === 'open' || t.status === 'acknowledged')) {
        if (t.status === 'open') await d.step(t.id, 'acknowledge', actor, { visit: id });
        await d.step(t.id, 'on_site', actor, { visit: id });
      }
      return mustGet(id);
    },

    async cancel(id: string): Promise<Visit> {
      const v = await mustGet(id);
      if (!(await d.store.cancel(id, clock()))) throw new AppError('HW_CONFLICT', `visit ${id} is ${v.status}`);
      return mustGet(id);
    },

    get: mustGet,
    /** For the report: visits recorded in [from, to), refused signatures, sensors flagged. */
    figures: (from: number, to: number) => d.store.figures(from, to),
    list: (q: { householdId?: string; status?: Visit['status']; limit: number }) => d.store.list(q),
    async signature(id: string): Promise<Buffer> {
      await mustGet(id);
      const png = await d.store.signature(id);
      if (!png) throw new AppError('HW_NOT_FOUND', `visit ${id} has no signature`);
      return png;
    },

    /** At start: the sensors the last visits flagged, flagged again. */
    async restoreFlags(): Promise<void> {
      for (const f of await d.store.calibrationFlags()) d.onCalibration(f.deviceId, f);
    },
    /** A day's visits (appointed in [from, to), not cancelled), earliest first: 今日走访 and rounds. */
    scheduled: (from: number, to: number): Promise<Visit[]> => d.store.scheduled(from, to),
  };
}

export type VisitService = ReturnType<typeof createVisitService>;
