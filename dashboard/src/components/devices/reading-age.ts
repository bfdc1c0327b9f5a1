/**
 * How old a device's newest reading is, and whether that age is news. A connected device whose
 * newest reading is hours old is not silent: it is uploading a backlog (a store-and-forward
 * batch, a simulator catching up) and the present has not arrived yet. Showing "22 h ago" beside
 * 在线 without saying so reads as a broken sensor.
 */
import type { DeviceLive } from '../../../../ingest/contracts/devices.ts';

/** Hourly store-and-forward uploads are normal (DESIGN.md §2): older than this is a backlog. */
const NORMAL_UPLOAD_LAG_MS = 2 * 3_600_000;
/** The offline rule's own measure: three reporting intervals without a reading. */
const INTERVALS_BEFORE_LATE = 3;

export type ReadingAge = { ageMs: number; backlog: boolean };

export function readingAge(device: Pick<DeviceLive, 'online'> & { intervalSec: number }, readingTs: string, now: number): ReadingAge {
  const ageMs = Math.max(0, now - Date.parse(readingTs));
  const expectedLagMs = Math.max(NORMAL_UPLOAD_LAG_MS, INTERVALS_BEFORE_LATE * device.intervalSec * 1000);
  return { ageMs, backlog: device.online && ageMs > expectedLagMs };
}
