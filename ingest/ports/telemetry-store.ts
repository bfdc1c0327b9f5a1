/**
 * The telemetry store port. SQLite (embedded default) and InfluxDB implement it and pass one
 * contract suite (test/telemetry-store.contract.ts).
 */
import type { DeviceKind } from '../contracts/topics.ts';
import type { FieldName, Reading } from '../contracts/payloads.ts';
import type { DailyMean } from '../core/reports/room-days.ts';

export type { DailyMean };

/** Each device's daily mean of one field (the reports' room-days and outdoor means). */
export interface DailyMeansQuery {
  kind: DeviceKind;
  field: FieldName;
  deviceIds: readonly string[];
  /** Beijing midnight of the first day, epoch ms. */
  from: number;
  /** Beijing midnight after the last day, epoch ms. */
  to: number;
}

export interface ReadingsQuery {
  deviceId: string;
  kind: DeviceKind;
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
  /**
   * Bucket width in ms: when set, each row is the mean of its bucket, stamped with the bucket
   * start. Buckets are aligned to Asia/Shanghai midnight, so `1d` means a local calendar day.
   */
  everyMs?: number;
  /** Upper bound on rows returned (oldest first). */
  limit: number;
}

export interface ReadingRow {
  ts: number;
  values: Partial<Record<FieldName, number>>;
}

export type StoreState = 'ok' | 'degraded';

export interface StoreHealth {
  state: StoreState;
  /** Readings accepted but not yet durable in the store. */
  backlog: number;
  detail?: string;
}

export interface TelemetryStore {
  readonly name: string;
  /**
   * Makes a batch durable; resolves once it is. Writing a reading again (same device and ts)
   * changes nothing, so replays are harmless.
   */
  write(readings: readonly Reading[]): Promise<void>;
  read(query: ReadingsQuery): Promise<ReadingRow[]>;
  /**
   * Every device's raw readings of one kind in [from, to), oldest first, at most `limit`: a node
   * that becomes the rules leader learns the last hour before it judges what comes next.
   */
  recent(query: { kind: DeviceKind; from: number; to: number; limit: number }): Promise<Reading[]>;
  /**
   * Per device and Beijing day in [from, to): the mean of `field` and the hours of the day with
   * at least one value — raw readings and hourly roll-ups alike, computed by the store (a month
   * of a city's rooms is not loaded into memory).
   */
  dailyMeans(query: DailyMeansQuery): Promise<DailyMean[]>;
  /** Drops raw readings older than the retention, keeping hourly aggregates of them. */
  applyRetention(now: number): Promise<{ rolledUp: number; deleted: number }>;
  health(): StoreHealth;
  close(): Promise<void>;
}
