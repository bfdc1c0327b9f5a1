/**
 * The visit forms' drafts and what they send, pure: who goes and when (planning), each room's
 * measurement, the signature or the refusal with a neighbour's measurement (the form). Mirrors
 * the server's rules so an engineer on a phone sees what is missing before sending.
 */
import type { MessageKey } from '../../lib/i18n/i18n.svelte.ts';
import { beijingInstant } from '../outages/outage-form.ts';

/** 张工, 李工 / 张工 李工 / 张工、李工 → ['张工', '李工'], each once. */
export function parseStaff(text: string): string[] {
  return [...new Set(text.split(/[,，、;；\s]+/).map((s) => s.trim()).filter(Boolean))];
}

export interface PlanDraft {
  scheduledAt: string;
  staff: string;
  night: boolean;
  ticketId: string;
}

export function planBody(householdId: string, d: PlanDraft): { body: object } | { error: MessageKey } {
  const at = beijingInstant(d.scheduledAt);
  if (at === null) return { error: 'visit.error.time' };
  const staff = parseStaff(d.staff);
  if (staff.length < 2) return { error: 'visit.error.staff' };
  return { body: { householdId, scheduledAt: new Date(at).toISOString(), staff, customerAskedForNight: d.night, ...(d.ticketId.trim() ? { ticketId: d.ticketId.trim() } : {}) } };
}

export interface RoomRow {
  room: string;
  temp: string;
  deviceId: string | null;
}

export interface FormDraft {
  rooms: RoomRow[];
  /** The pad's PNG as a data URL; null until the customer signed. */
  signature: string | null;
  refused: boolean;
  reason: string;
  neighbourId: string;
  neighbourTemp: string;
}

const temp = (text: string): number | null => {
  const n = Number(text.trim().replace(',', '.'));
  return text.trim() !== '' && Number.isFinite(n) && n >= -20 && n <= 45 ? n : null;
};

export function formBody(d: FormDraft): { body: object } | { error: MessageKey } {
  const measurements = d.rooms.flatMap((r) => {
    const t = temp(r.temp);
    return t === null || !r.room.trim() ? [] : [{ room: r.room.trim(), temp: t, ...(r.deviceId ? { deviceId: r.deviceId } : {}) }];
  });
  if (measurements.length === 0) return { error: 'visit.error.measure' };
  if (d.refused) {
    const neighbourTemp = temp(d.neighbourTemp);
    if (!d.reason.trim()) return { error: 'visit.error.sign' };
    if (!d.neighbourId.trim() || neighbourTemp === null) return { error: 'visit.error.neighbour' };
    return { body: { measurements, refused: { reason: d.reason.trim(), neighbourHouseholdId: d.neighbourId.trim(), neighbourMeasurements: [{ room: '客厅', temp: neighbourTemp }] } } };
  }
  if (!d.signature) return { error: 'visit.error.sign' };
  return { body: { measurements, signature: d.signature } };
}
