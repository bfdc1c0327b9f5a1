/**
 * How warm a substation's rooms are right now: 1 °C bins from "below 14" to "26 and above",
 * the counts a dispatcher asks first (how many, how many cold, how many silent) and the
 * coldest rooms. Pure, so the histogram and its tests agree.
 */
import type { DeviceView } from '../../../../ingest/contracts/devices.ts';

export const BIN_LOW_C = 14;
export const BIN_HIGH_C = 26;

export interface TempBin {
  /** Inclusive lower edge; null for the open "below BIN_LOW_C" bin. */
  lo: number | null;
  /** Exclusive upper edge; null for the open "BIN_HIGH_C and above" bin. */
  hi: number | null;
  count: number;
  /** Every room in it is below the threshold. */
  cold: boolean;
}

export interface TempDistribution {
  bins: TempBin[];
  /** The room threshold the counts are against (°C, from the server's rules). */
  thresholdC: number;
  rooms: number;
  cold: number;
  offline: number;
  noData: number;
  lowest: number | null;
  median: number | null;
}

const tempOf = (d: DeviceView): number | undefined => d.lastReading?.values.temp;

export function emptyBins(thresholdC: number): TempBin[] {
  const bins: TempBin[] = [{ lo: null, hi: BIN_LOW_C, count: 0, cold: BIN_LOW_C <= thresholdC }];
  for (let lo = BIN_LOW_C; lo < BIN_HIGH_C; lo += 1) bins.push({ lo, hi: lo + 1, count: 0, cold: lo + 1 <= thresholdC });
  bins.push({ lo: BIN_HIGH_C, hi: null, count: 0, cold: false });
  return bins;
}

export function binIndex(tempC: number): number {
  if (tempC < BIN_LOW_C) return 0;
  if (tempC >= BIN_HIGH_C) return BIN_HIGH_C - BIN_LOW_C + 1;
  return 1 + Math.floor(tempC - BIN_LOW_C);
}

export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * An offline room keeps its last temperature in the histogram (the map colours it by that value
 * too); the offline count beside it says how much of the picture is stale.
 */
export function distribution(rooms: readonly DeviceView[], thresholdC: number): TempDistribution {
  const bins = emptyBins(thresholdC);
  const temps: number[] = [];
  let offline = 0;
  let noData = 0;
  for (const room of rooms) {
    const t = tempOf(room);
    if (t === undefined) noData += 1;
    else {
      temps.push(t);
      bins[binIndex(t)].count += 1;
    }
    // Never heard from is "no data", not offline (as on the map).
    if (!room.online && (room.lastReading !== null || room.lastSeenAt !== null)) offline += 1;
  }
  temps.sort((a, b) => a - b);
  return {
    bins,
    thresholdC,
    rooms: rooms.length,
    cold: temps.filter((t) => t < thresholdC).length,
    offline,
    noData,
    lowest: temps[0] ?? null,
    median: median(temps),
  };
}

/** The `limit` coldest rooms that have a temperature, coldest first. */
export function coldestRooms(rooms: readonly DeviceView[], limit: number): { room: DeviceView; temp: number }[] {
  return rooms
    .flatMap((room) => {
      const temp = tempOf(room);
      return temp === undefined ? [] : [{ room, temp }];
    })
    .sort((a, b) => a.temp - b.temp)
    .slice(0, limit);
}
