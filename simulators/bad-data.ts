/**
 * What a broken or badly integrated sensor sends (the `bad-data` scenario): each kind is one
 * that ingest must refuse and count (DESIGN.md §9), plus in-range jumps no room can make, which
 * ingest accepts and the rules flag as implausible.
 */
import type { RoomPayload, SubstationPayload } from '../ingest/contracts/payloads.ts';
import type { DeviceKind } from '../ingest/contracts/topics.ts';
import { noise } from './prng.ts';

export const GARBAGE_KINDS = ['not_json', 'nan_literal', 'string_number', 'out_of_range', 'overflow', 'jump'] as const;
export type GarbageKind = (typeof GARBAGE_KINDS)[number];

export type Payload = RoomPayload | SubstationPayload;

/** One sample as it leaves a sensor: a well-formed reading, or raw bytes that are not one. */
export type Emission = { ts: number; payload: Payload; garbage?: 'jump' } | { ts: number; raw: string; garbage: GarbageKind };

/** Share of a broken sensor's samples that come out wrong; the rest still look fine. */
const GARBAGE_SHARE = 0.5;

/** The field a sensor's garbage lands in: the required temperature. */
function mainField(kind: DeviceKind): 'temp' | 'supplyTemp' {
  return kind === 'room' ? 'temp' : 'supplyTemp';
}

function rawWith(payload: Payload, field: string, literal: string): string {
  // Built as text: JSON.stringify cannot write NaN or 1e999, and that is the point.
  const json = JSON.stringify({ ...payload, [field]: 0 });
  return json.replace(`"${field}":0`, `"${field}":${literal}`);
}

/** Turns a good reading into garbage, or passes it through; decided by its noise key. */
export function garble(kind: DeviceKind, payload: Payload & { ts: number }, key: readonly number[]): Emission {
  if (noise(...key, 0xbad) >= GARBAGE_SHARE) return { ts: payload.ts, payload };
  const garbage = GARBAGE_KINDS[Math.floor(noise(...key, 0xbad2) * GARBAGE_KINDS.length)]!;
  const field = mainField(kind);
  const value = (payload as unknown as Record<string, number>)[field]!;
  switch (garbage) {
    case 'not_json':
      // A payload cut off mid-write, as a sensor whose buffer overflowed sends it.
      return { ts: payload.ts, raw: JSON.stringify(payload).slice(0, -7), garbage };
    case 'nan_literal':
      return { ts: payload.ts, raw: rawWith(payload, field, 'NaN'), garbage };
    case 'string_number':
      return { ts: payload.ts, raw: JSON.stringify({ ...payload, [field]: String(value) }), garbage };
    case 'out_of_range':
      return { ts: payload.ts, raw: JSON.stringify({ ...payload, [field]: 900 }), garbage };
    case 'overflow':
      // Parses as Infinity: valid JSON text, no valid number.
      return { ts: payload.ts, raw: rawWith(payload, field, '1e999'), garbage };
    case 'jump':
      // Inside the hard limits, so it is accepted; no room warms 12 °C in one interval.
      return { ts: payload.ts, payload: { ...payload, [field]: Math.round((value + (kind === 'room' ? 12 : 45)) * 10) / 10 }, garbage };
  }
}
