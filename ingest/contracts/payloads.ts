/**
 * Telemetry payload contract (DESIGN.md §5). One schema is both the TypeScript type and the
 * validation; the simulators and sensor vendors build against the same file.
 */
import { z } from 'zod';
import type { DeviceKind } from './topics.ts';

export const MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_READINGS_PER_MESSAGE = 500;
export const MAX_FUTURE_MS = 5 * 60_000;
export const MAX_AGE_MS = 7 * 24 * 3_600_000;

/** Hard physical limits: a value outside them cannot be a real measurement. */
export const FIELD_LIMITS = {
  temp: [-50, 80],
  humidity: [0, 100],
  battery: [0, 10],
  rssi: [-150, 0],
  supplyTemp: [-50, 200],
  returnTemp: [-50, 200],
  supplyPressure: [0, 4],
  returnPressure: [0, 4],
  flow: [0, 100_000],
  secSupplyTemp: [-50, 150],
  secReturnTemp: [-50, 150],
  secSupplyPressure: [0, 4],
  secReturnPressure: [0, 4],
  outdoorTemp: [-60, 60],
  /** Make-up water fed into the secondary network, m³/h (a leak shows here first). */
  makeupFlow: [0, 100_000],
} as const satisfies Record<string, readonly [number, number]>;

export type FieldName = keyof typeof FIELD_LIMITS;

export const ROOM_FIELDS = ['temp', 'humidity', 'battery', 'rssi'] as const satisfies readonly FieldName[];
export const SUBSTATION_FIELDS = [
  'supplyTemp',
  'returnTemp',
  'supplyPressure',
  'returnPressure',
  'flow',
  'secSupplyTemp',
  'secReturnTemp',
  'secSupplyPressure',
  'secReturnPressure',
  'outdoorTemp',
  'makeupFlow',
] as const satisfies readonly FieldName[];

export const FIELDS_BY_KIND: Record<DeviceKind, readonly FieldName[]> = {
  room: ROOM_FIELDS,
  substation: SUBSTATION_FIELDS,
};

export const REQUIRED_FIELDS: Record<DeviceKind, readonly FieldName[]> = {
  room: ['temp'],
  substation: ['supplyTemp', 'returnTemp'],
};

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Reads `ts`: epoch milliseconds, or ISO 8601 with an explicit offset (a bare local time is
 * ambiguous). Returns the epoch ms, or a sentence saying what is wrong.
 */
export function parseTimestamp(value: unknown): number | string {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? value : 'ts: epoch milliseconds must be a whole number';
  }
  if (typeof value === 'string') {
    if (!ISO_WITH_OFFSET.test(value)) return 'ts: ISO 8601 needs a UTC offset, e.g. 2026-12-01T08:00:00+08:00';
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? 'ts: not a valid date' : ms;
  }
  return `ts: expected epoch ms or an ISO 8601 string, got ${value === null ? 'null' : typeof value}`;
}

function measurement(field: FieldName) {
  const [min, max] = FIELD_LIMITS[field];
  return z.number().min(min).max(max);
}

function readingSchema(kind: DeviceKind) {
  const shape: Record<string, z.ZodType> = {};
  for (const field of FIELDS_BY_KIND[kind]) {
    shape[field] = REQUIRED_FIELDS[kind].includes(field) ? measurement(field) : measurement(field).nullish();
  }
  return z.object(shape);
}

export const roomReadingSchema = readingSchema('room');
export const substationReadingSchema = readingSchema('substation');

export const READING_SCHEMAS: Record<DeviceKind, z.ZodType> = {
  room: roomReadingSchema,
  substation: substationReadingSchema,
};

/** A reading as a room sensor sends it (the type vendors and simulators build). */
export interface RoomPayload {
  ts?: number | string;
  temp: number;
  humidity?: number;
  battery?: number;
  rssi?: number;
}

/** A reading as a substation controller sends it. */
export interface SubstationPayload {
  ts?: number | string;
  supplyTemp: number;
  returnTemp: number;
  supplyPressure?: number;
  returnPressure?: number;
  flow?: number;
  secSupplyTemp?: number;
  secReturnTemp?: number;
  secSupplyPressure?: number;
  secReturnPressure?: number;
  outdoorTemp?: number;
  /** Make-up water into the secondary network, m³/h. */
  makeupFlow?: number;
}

/** A validated reading, as stored and as pushed live. */
export interface Reading {
  deviceId: string;
  kind: DeviceKind;
  /** Event time, epoch ms. */
  ts: number;
  values: Partial<Record<FieldName, number>>;
}

/** Why a message or one reading of it was refused. A bounded set: used as a metric label. */
export const REJECT_REASONS = [
  'payload_too_large',
  'not_json',
  'not_object',
  'empty_array',
  'too_many_readings',
  'invalid_field',
  'out_of_range',
  'ts_in_future',
  'ts_too_old',
  'unknown_device',
  'kind_mismatch',
  'foreign_topic',
  'bad_topic',
  'auth_failed',
  'auth_throttled',
  'bad_client_id',
  'rate_limited',
  'unsupported_qos',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Rejection {
  reason: RejectReason;
  detail: string;
}

export interface ValidationResult {
  readings: Reading[];
  rejections: Rejection[];
}

function describeIssues(error: z.ZodError): Rejection {
  const issue = error.issues[0]!;
  const path = issue.path.join('.') || '(payload)';
  const outOfRange = issue.code === 'too_big' || issue.code === 'too_small';
  return { reason: outOfRange ? 'out_of_range' : 'invalid_field', detail: `${path}: ${issue.message}` };
}

/**
 * Validates one MQTT telemetry payload. Each reading of a batch stands on its own: a bad
 * element is rejected with its reason and the good ones are kept, so one glitch does not
 * lose a sensor's buffered hour.
 */
/** Web-standard decoding: this contract is also compiled into the dashboard, which has no Buffer. */
const UTF8 = new TextDecoder();

const REQUIRED = {
  room: new Set<FieldName>(REQUIRED_FIELDS.room),
  substation: new Set<FieldName>(REQUIRED_FIELDS.substation),
} satisfies Record<DeviceKind, Set<FieldName>>;

/**
 * The values of a reading that is valid as it is, checked by hand: each field of the kind a number
 * within its limits, or absent or null; the required ones present; other keys ignored, as the
 * schema strips them. Null when anything is off: the schema then finds and words the refusal.
 * The common case costs no schema run (issue 19: per-message allocations on the hot path).
 */
function plainValues(kind: DeviceKind, item: Record<string, unknown>): Partial<Record<FieldName, number>> | null {
  const values: Partial<Record<FieldName, number>> = {};
  for (const field of FIELDS_BY_KIND[kind]) {
    const v = item[field];
    if (v === undefined || v === null) {
      if (REQUIRED[kind].has(field)) return null;
      continue;
    }
    if (typeof v !== 'number') return null;
    const [min, max] = FIELD_LIMITS[field];
    if (!(v >= min && v <= max)) return null;
    values[field] = v;
  }
  return values;
}

export function validateTelemetry(
  kind: DeviceKind,
  deviceId: string,
  payload: Uint8Array,
  receivedAt: number,
): ValidationResult {
  const rejections: Rejection[] = [];
  const readings: Reading[] = [];
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    return { readings, rejections: [{ reason: 'payload_too_large', detail: `${payload.byteLength} bytes > ${MAX_PAYLOAD_BYTES}` }] };
  }
  let body: unknown;
  try {
    body = JSON.parse(UTF8.decode(payload));
  } catch {
    return { readings, rejections: [{ reason: 'not_json', detail: 'payload is not JSON' }] };
  }
  const items = Array.isArray(body) ? body : [body];
  if (Array.isArray(body)) {
    if (body.length === 0) return { readings, rejections: [{ reason: 'empty_array', detail: 'empty array' }] };
    if (body.length > MAX_READINGS_PER_MESSAGE) {
      return { readings, rejections: [{ reason: 'too_many_readings', detail: `${body.length} readings > ${MAX_READINGS_PER_MESSAGE}` }] };
    }
  }
  const schema = READING_SCHEMAS[kind];
  for (const item of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      rejections.push({ reason: 'not_object', detail: `expected an object, got ${item === null ? 'null' : Array.isArray(item) ? 'array' : typeof item}` });
      continue;
    }
    let values = plainValues(kind, item as Record<string, unknown>);
    if (values === null) {
      const parsed = schema.safeParse(item);
      if (!parsed.success) {
        rejections.push(describeIssues(parsed.error));
        continue;
      }
      values = {};
      const data = parsed.data as Record<string, number | null | undefined>;
      for (const key in data) {
        const v = data[key];
        if (typeof v === 'number') values[key as FieldName] = v;
      }
    }
    const rawTs = (item as { ts?: unknown }).ts;
    const at = rawTs === undefined ? receivedAt : parseTimestamp(rawTs);
    if (typeof at === 'string') {
      rejections.push({ reason: 'invalid_field', detail: at });
      continue;
    }
    if (at > receivedAt + MAX_FUTURE_MS) {
      rejections.push({ reason: 'ts_in_future', detail: `ts ${new Date(at).toISOString()} is more than 5 min ahead` });
      continue;
    }
    if (at < receivedAt - MAX_AGE_MS) {
      const hint = at < 1e11 ? ' (epoch seconds? ts must be milliseconds)' : '';
      rejections.push({ reason: 'ts_too_old', detail: `ts ${at} is more than 7 days old${hint}` });
      continue;
    }
    readings.push({ deviceId, kind, ts: at, values });
  }
  return { readings, rejections };
}
