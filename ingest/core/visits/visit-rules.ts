/**
 * The visit form's rules (seed 六), pure: what makes a planned visit or a completed one
 * acceptable, said as reasons a form can show; the signature as a PNG; the sensor beside the
 * thermometer.
 */
import { localHourOfDay } from '../../contracts/beijing-time.ts';
import { CALIBRATION_LIMIT_C, MAX_SIGNATURE_BYTES, NIGHT_FROM_HOUR, NIGHT_TO_HOUR, type CompleteVisit, type NewVisit } from '../../contracts/visits.ts';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isNight(ms: number): boolean {
  const h = localHourOfDay(ms);
  return h >= NIGHT_FROM_HOUR || h < NIGHT_TO_HOUR;
}

/** Why these staff cannot go on a visit: at least two different people (seed 六.1). */
export function staffProblems(names: readonly string[]): string[] {
  const staff = new Set(names.map((s) => s.trim()));
  return staff.size < 2 ? [`staff: at least two people go on a visit (seed 六.1); ${staff.size} named`] : [];
}

/** Why a visit cannot be planned so; empty when it can. */
export function planProblems(v: Pick<NewVisit, 'staff' | 'scheduledAt' | 'customerAskedForNight'>): string[] {
  const problems = staffProblems(v.staff);
  if (isNight(v.scheduledAt) && !v.customerAskedForNight) problems.push('scheduledAt: no visit between 20:00 and 07:00 Beijing time unless the customer asked for it (customerAskedForNight)');
  return problems;
}

/** The PNG bytes of a `data:image/png;base64,…` signature, or null when it is not one. */
export function signaturePng(dataUrl: string): Buffer | null {
  const m = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  if (!m) return null;
  const bytes = Buffer.from(m[1]!, 'base64');
  if (bytes.length > MAX_SIGNATURE_BYTES || bytes.length < PNG_MAGIC.length + 12 || !bytes.subarray(0, 8).equals(PNG_MAGIC)) return null;
  return bytes;
}

/** Why a visit's form cannot be accepted; empty when it can. */
export function completionProblems(c: CompleteVisit): string[] {
  const problems: string[] = [];
  if (c.measurements.length === 0) problems.push('measurements: measure at least one room');
  if (c.signature === undefined && c.refused === undefined) problems.push("signature: the customer's signature, or when they refuse to sign, the reason and a neighbour's measurement (refused)");
  if (c.signature !== undefined && c.refused !== undefined) problems.push('refused: a signed visit was not refused');
  if (c.signature !== undefined && signaturePng(c.signature) === null) problems.push(`signature: not a PNG image as data:image/png;base64 (at most ${MAX_SIGNATURE_BYTES / 1024} KiB)`);
  if (c.refused && c.refused.neighbourMeasurements.length === 0) problems.push("refused.neighbourMeasurements: measure a room of the neighbour's");
  return problems;
}

/** The sensor is to be calibrated when it reads more than 1.5 °C from the thermometer. */
export const needsCalibration = (measuredC: number, sensorC: number | null): boolean => sensorC !== null && Math.abs(measuredC - sensorC) > CALIBRATION_LIMIT_C + 1e-9;
