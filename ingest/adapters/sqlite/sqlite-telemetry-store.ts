/**
 * Telemetry in the embedded SQLite file: one table per device kind with a column per field,
 * keyed (device_id, ts) so a replayed reading is ignored. Raw rows are kept for the raw
 * retention; older hours are rolled up into readings_hourly before the raw rows go. The reports'
 * daily means of days that are over are kept in daily_means once computed; a reading that
 * arrives late for such a day (a buffered upload) drops its device's kept days of that date.
 * Readings are inserted by a thread of their own (telemetry-writer.ts); everything else here —
 * reads, the retention's roll-ups, keeping the reports' days — runs on the main connection.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Statement } from 'better-sqlite3';
import { FIELDS_BY_KIND, type FieldName, type Reading } from '../../contracts/payloads.ts';
import { DEVICE_KINDS, type DeviceKind } from '../../contracts/topics.ts';
import type { DailyMean, DailyMeansQuery, ReadingRow, ReadingsQuery, StoreHealth, TelemetryStore } from '../../ports/telemetry-store.ts';
import type { Db } from './open-database.ts';
import { startTelemetryWriter } from './telemetry-writer.ts';
import { BEIJING_UTC_OFFSET_MS, DAY_MS, HOUR_MS } from '../../contracts/beijing-time.ts';

/** Buckets start at local midnight in Asia/Shanghai (UTC+8, no daylight saving): a 1d bucket is a calendar day there. */
const bucketStart = (column: string) =>
  `(((${column} + ${BEIJING_UTC_OFFSET_MS}) / CAST(@every AS INTEGER)) * CAST(@every AS INTEGER) - ${BEIJING_UTC_OFFSET_MS})`;

interface KindStatements {
  raw: Statement;
  recent: Statement;
  bucketed: Statement;
}

export interface SqliteTelemetryOptions {
  rawRetentionDays: number;
  aggregateRetentionDays: number;
  /** Which Beijing days are over (kept daily means are only of those). */
  clock?: () => number;
}

/** Beijing days since 1970-01-01, and the first instant of one. */
const dayNumber = (ms: number) => Math.floor((ms + BEIJING_UTC_OFFSET_MS) / DAY_MS);
const dayStart = (day: number) => day * DAY_MS - BEIJING_UTC_OFFSET_MS;
/** Kept daily means written per transaction, the event loop free between them. */
const KEEP_CHUNK = 5_000;

export function createSqliteTelemetryStore(db: Db, options: SqliteTelemetryOptions): TelemetryStore {
  const statements = new Map<DeviceKind, KindStatements>();
  for (const kind of DEVICE_KINDS) statements.set(kind, prepareKind(db, kind));
  const hourly = db.prepare(
    `SELECT ${bucketStart('bucket')} AS ts, field, SUM(mean * n) / SUM(n) AS value
     FROM readings_hourly WHERE device_id = @deviceId AND bucket >= @from AND bucket < @to
     GROUP BY 1, field ORDER BY 1`,
  );

  const clock = options.clock ?? Date.now;
  const keepDay = db.prepare('INSERT OR REPLACE INTO daily_means (device_id, field, day, hours, mean) VALUES (?, ?, ?, ?, ?)');
  /** Device-days made stale while a report computed them: not to be kept from that report. */
  const staleDuringReports = new Set<Set<string>>();

  // The rows are written on a thread of their own (telemetry-writer.ts): the main thread only
  // packs them. Device-days that are over and got a reading (a buffered upload) are noted here,
  // as the batch is handed over: what a report computes meanwhile is not kept for them, and
  // the thread forgets what was kept, in the transaction that stores the reading.
  const writer = startTelemetryWriter(db.name);
  /** Late device-days of writes handed over and not yet committed (a report starting now may not see them). */
  const lateInFlight = new Map<string, number>();
  async function writeBatch(readings: readonly Reading[]): Promise<void> {
    const todayStart = dayStart(dayNumber(clock()));
    const late: [string, number][] = [];
    const keys = new Set<string>();
    for (const r of readings) {
      if (r.ts >= todayStart) continue;
      const key = `${r.deviceId}\u0000${dayNumber(r.ts)}`;
      if (keys.has(key)) continue;
      keys.add(key);
      late.push([r.deviceId, dayNumber(r.ts)]);
    }
    for (const key of keys) {
      lateInFlight.set(key, (lateInFlight.get(key) ?? 0) + 1);
      for (const stale of staleDuringReports) stale.add(key);
    }
    try {
      await writer.write(readings, late);
    } finally {
      for (const key of keys) {
        const n = lateInFlight.get(key)! - 1;
        if (n === 0) lateInFlight.delete(key);
        else lateInFlight.set(key, n);
      }
    }
  }

  /** Keeps freshly computed days, a chunk per transaction, except those a late reading has made stale meanwhile. */
  async function keepDays(field: FieldName, fresh: [string, number, number, number | null][], stale: Set<string>): Promise<void> {
    for (let i = 0; i < fresh.length; i += KEEP_CHUNK) {
      db.transaction(() => {
        for (const [deviceId, day, hours, mean] of fresh.slice(i, i + KEEP_CHUNK)) {
          if (!stale.has(`${deviceId}\u0000${day}`)) keepDay.run(deviceId, field, day, hours, mean);
        }
      })();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const rawCutoff = (now: number) => floorHour(now - options.rawRetentionDays * 24 * HOUR_MS);

  // The reports' daily means run in worker threads (daily-means-worker.mjs): off the event
  // loop, and on every core.
  async function dailyMeans(q: DailyMeansQuery): Promise<DailyMean[]> {
    if (!FIELDS_BY_KIND[q.kind].includes(q.field)) throw new Error(`${q.kind} readings have no field ${q.field}`);
    if (q.deviceIds.length === 0 || q.from >= q.to) return [];
    const workers = Math.max(1, Math.min(os.availableParallelism(), Math.ceil(q.deviceIds.length / 500)));
    const share = Math.ceil(q.deviceIds.length / workers);
    // Late readings handed to the writer and not committed yet may be missing from what the
    // workers read: their days are not kept either.
    const stale = new Set<string>(lateInFlight.keys());
    staleDuringReports.add(stale);
    try {
      const finishedBefore = dayStart(dayNumber(clock()));
      const parts = await Promise.all(
        Array.from({ length: workers }, (_, w) =>
          runWorker({
            file: db.name,
            kind: q.kind,
            field: q.field,
            deviceIds: q.deviceIds.slice(w * share, (w + 1) * share),
            from: q.from,
            to: q.to,
            finishedBefore,
            offsetMs: BEIJING_UTC_OFFSET_MS,
            hourMs: HOUR_MS,
            dayMs: DAY_MS,
          }),
        ),
      );
      await keepDays(q.field, parts.flatMap((p) => p.fresh), stale);
      return parts.flatMap((p) => p.days);
    } finally {
      staleDuringReports.delete(stale);
    }
  }

  return {
    name: 'sqlite',

    async write(readings) {
      if (readings.length > 0) await writeBatch(readings);
    },

    dailyMeans,

    async recent({ kind, from, to, limit }) {
      const rows = statements.get(kind)!.recent.all({ from, to, limit }) as (Record<string, number | null> & { device_id: string })[];
      return rows.map((row) => ({ deviceId: row.device_id, kind, ...toReadingRow(row, FIELDS_BY_KIND[kind]) }));
    },

    async read(q: ReadingsQuery): Promise<ReadingRow[]> {
      const s = statements.get(q.kind)!;
      const fields = FIELDS_BY_KIND[q.kind];
      if (!q.everyMs) {
        const rows = s.raw.all({ deviceId: q.deviceId, from: q.from, to: q.to, limit: q.limit }) as Record<string, number | null>[];
        return rows.map((row) => toReadingRow(row, fields));
      }
      const every = q.everyMs;
      const rows = (s.bucketed.all({ deviceId: q.deviceId, from: q.from, to: q.to, every, limit: q.limit }) as Record<string, number | null>[]).map(
        (row) => toReadingRow(row, fields),
      );
      // Hours already rolled up (older than the raw retention) come from the aggregates.
      const rolled = new Map<number, ReadingRow>();
      for (const a of hourly.all({ deviceId: q.deviceId, from: q.from, to: q.to, every: Math.max(every, HOUR_MS) }) as {
        ts: number;
        field: FieldName;
        value: number;
      }[]) {
        const row = rolled.get(a.ts) ?? { ts: a.ts, values: {} };
        row.values[a.field] = a.value;
        rolled.set(a.ts, row);
      }
      if (rolled.size === 0) return rows;
      const seen = new Set(rows.map((r) => r.ts));
      const merged = [...rows, ...[...rolled.values()].filter((r) => !seen.has(r.ts))];
      return merged.sort((a, b) => a.ts - b.ts).slice(0, q.limit);
    },

    async applyRetention(now) {
      const cutoff = rawCutoff(now);
      let rolledUp = 0;
      let deleted = 0;
      db.transaction(() => {
        for (const kind of DEVICE_KINDS) {
          const table = `readings_${kind}`;
          const fields = FIELDS_BY_KIND[kind];
          for (const f of fields) {
            rolledUp += db
              .prepare(
                `INSERT OR REPLACE INTO readings_hourly (device_id, bucket, field, n, mean, min, max)
                 SELECT device_id, (ts / ${HOUR_MS}) * ${HOUR_MS}, '${f}', COUNT("${f}"), AVG("${f}"), MIN("${f}"), MAX("${f}")
                 FROM ${table} WHERE ts < ? AND "${f}" IS NOT NULL GROUP BY device_id, 2`,
              )
              .run(cutoff).changes;
          }
          deleted += db.prepare(`DELETE FROM ${table} WHERE ts < ?`).run(cutoff).changes;
        }
        db.prepare('DELETE FROM readings_hourly WHERE bucket < ?').run(now - options.aggregateRetentionDays * 24 * HOUR_MS);
        db.prepare('DELETE FROM daily_means WHERE day < ?').run(dayNumber(now - options.aggregateRetentionDays * 24 * HOUR_MS));
      })();
      return { rolledUp, deleted };
    },

    health(): StoreHealth {
      return { state: 'ok', backlog: 0 };
    },

    async close() {
      // The database handle belongs to the composition root, which closes it; the writer's own
      // connection ends with its thread.
      await writer.close();
    },
  };
}

function prepareKind(db: Db, kind: DeviceKind): KindStatements {
  const fields = FIELDS_BY_KIND[kind];
  const table = `readings_${kind}`;
  const cols = fields.map((f) => `"${f}"`).join(', ');
  const means = fields.map((f) => `AVG("${f}") AS "${f}"`).join(', ');
  return {
    raw: db.prepare(`SELECT ts, ${cols} FROM ${table} WHERE device_id = @deviceId AND ts >= @from AND ts < @to ORDER BY ts LIMIT @limit`),
    recent: db.prepare(`SELECT device_id, ts, ${cols} FROM ${table} WHERE ts >= @from AND ts < @to ORDER BY ts, device_id LIMIT @limit`),
    bucketed: db.prepare(
      `SELECT ${bucketStart('ts')} AS ts, ${means} FROM ${table}
       WHERE device_id = @deviceId AND ts >= @from AND ts < @to GROUP BY 1 ORDER BY 1 LIMIT @limit`,
    ),
  };
}

function toReadingRow(row: Record<string, number | null>, fields: readonly FieldName[]): ReadingRow {
  const values: Partial<Record<FieldName, number>> = {};
  for (const f of fields) {
    const v = row[f];
    if (v !== null && v !== undefined) values[f] = v;
  }
  return { ts: row.ts as number, values };
}

function floorHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

const WORKER = new URL('./daily-means-worker.mjs', import.meta.url);

interface WorkerResult {
  days: DailyMean[];
  /** Days that are over and were computed now: [deviceId, day, hours, mean], to be kept. */
  fresh: [string, number, number, number | null][];
}

function runWorker(data: Record<string, unknown>): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    // No loader for the worker: it is plain JavaScript.
    const worker = new Worker(WORKER, { workerData: data, execArgv: [] });
    worker.once('message', (m: Partial<WorkerResult> & { error?: string }) =>
      m.error === undefined ? resolve({ days: m.days ?? [], fresh: m.fresh ?? [] }) : reject(new Error(`daily means: ${m.error}`)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`daily means worker exited with ${code}`)));
  });
}
