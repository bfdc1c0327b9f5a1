/** The SQLite telemetry store on a real file: idempotent writes, raw and bucketed reads, retention. */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteTelemetryStore } from '../ingest/adapters/sqlite/sqlite-telemetry-store.ts';
import type { Reading } from '../ingest/contracts/payloads.ts';
import { tempDir } from './support/heatwatch.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-12-01T00:00:00Z');

function room(deviceId: string, ts: number, temp: number): Reading {
  return { deviceId, kind: 'room', ts, values: { temp } };
}

function open() {
  const db = openDatabase(tempDir());
  return { db, store: createSqliteTelemetryStore(db, { rawRetentionDays: 30, aggregateRetentionDays: 365 }) };
}

describe('sqlite telemetry store', () => {
  it('ignores a reading written twice and keeps devices apart', async () => {
    const { db, store } = open();
    await store.write([room('A', T0, 19), room('B', T0, 25)]);
    await store.write([room('A', T0, 19)]);
    const a = await store.read({ deviceId: 'A', kind: 'room', from: T0 - HOUR, to: T0 + HOUR, limit: 100 });
    expect(a).toEqual([{ ts: T0, values: { temp: 19 } }]);
    db.close();
  });

  it('reads [from, to) in time order, up to the limit', async () => {
    const { db, store } = open();
    await store.write([room('A', T0 + 2 * HOUR, 20), room('A', T0, 18), room('A', T0 + HOUR, 19)]);
    const all = await store.read({ deviceId: 'A', kind: 'room', from: T0, to: T0 + 2 * HOUR, limit: 100 });
    expect(all.map((r) => r.values.temp)).toEqual([18, 19]);
    const first = await store.read({ deviceId: 'A', kind: 'room', from: T0, to: T0 + 3 * HOUR, limit: 1 });
    expect(first).toHaveLength(1);
    db.close();
  });

  it('stores every substation field and returns what was sent', async () => {
    const { db, store } = open();
    const values = { supplyTemp: 95, returnTemp: 50, supplyPressure: 0.8, secSupplyTemp: 50, outdoorTemp: -4 };
    await store.write([{ deviceId: 'S', kind: 'substation', ts: T0, values }]);
    expect(await store.read({ deviceId: 'S', kind: 'substation', from: T0, to: T0 + 1, limit: 5 })).toEqual([{ ts: T0, values }]);
    db.close();
  });

  it('rolls raw readings older than the retention into hourly means, and still answers bucketed reads', async () => {
    const { db, store } = open();
    const old = T0 - 40 * DAY;
    await store.write([room('A', old, 16), room('A', old + 20 * 60_000, 18), room('A', old + HOUR, 20), room('A', T0, 21)]);
    const result = await store.applyRetention(T0);
    expect(result.deleted).toBe(3);
    expect(await store.read({ deviceId: 'A', kind: 'room', from: old, to: old + 2 * HOUR, limit: 100 })).toEqual([]);
    const hourly = await store.read({ deviceId: 'A', kind: 'room', from: old, to: T0 + HOUR, everyMs: HOUR, limit: 100 });
    expect(hourly).toEqual([
      { ts: old, values: { temp: 17 } },
      { ts: old + HOUR, values: { temp: 20 } },
      { ts: T0, values: { temp: 21 } },
    ]);
    const daily = await store.read({ deviceId: 'A', kind: 'room', from: old, to: old + DAY, everyMs: DAY, limit: 100 });
    // Weighted by count: (16 + 18 + 20) / 3 over the day.
    expect(daily).toHaveLength(1);
    expect(daily[0]!.values.temp).toBeCloseTo(18, 9);
    db.close();
  });

  it('cuts daily buckets at midnight Asia/Shanghai, not UTC', async () => {
    const { db, store } = open();
    const lateEvening = Date.parse('2026-12-01T23:30:00+08:00');
    const afterMidnight = Date.parse('2026-12-02T00:30:00+08:00');
    await store.write([room('A', lateEvening, 17), room('A', afterMidnight, 19)]);
    const days = await store.read({ deviceId: 'A', kind: 'room', from: lateEvening - DAY, to: afterMidnight + DAY, everyMs: DAY, limit: 10 });
    expect(days).toEqual([
      { ts: Date.parse('2026-12-01T00:00:00+08:00'), values: { temp: 17 } },
      { ts: Date.parse('2026-12-02T00:00:00+08:00'), values: { temp: 19 } },
    ]);
    db.close();
  });
});
