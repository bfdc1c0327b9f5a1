/** The SQLite telemetry store on a real file: the shared contract, plus retention roll-up. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteTelemetryStore } from '../ingest/adapters/sqlite/sqlite-telemetry-store.ts';
import { startTelemetryWriter } from '../ingest/adapters/sqlite/telemetry-writer.ts';
import { ROOM_FIELDS, SUBSTATION_FIELDS, type Reading } from '../ingest/contracts/payloads.ts';
import { tempDir } from './support/heatwatch.ts';
import { describeTelemetryStoreContract } from './support/telemetry-store-contract.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-12-01T00:00:00Z');

function open() {
  const db = openDatabase(tempDir());
  return { db, store: createSqliteTelemetryStore(db, { rawRetentionDays: 30, aggregateRetentionDays: 365 }) };
}

describeTelemetryStoreContract('sqlite', async () => {
  const { db, store } = open();
  return { store, close: async () => void db.close() };
});

describe('sqlite retention', () => {
  it('rolls raw readings older than the retention into hourly means, and still answers bucketed reads', async () => {
    const { db, store } = open();
    const room = (ts: number, temp: number): Reading => ({ deviceId: 'A', kind: 'room', ts, values: { temp } });
    const old = T0 - 40 * DAY;
    await store.write([room(old, 16), room(old + 20 * 60_000, 18), room(old + HOUR, 20), room(T0, 21)]);
    const result = await store.applyRetention(T0);
    expect(result.deleted).toBe(3);
    expect(await store.read({ deviceId: 'A', kind: 'room', from: old, to: old + 2 * HOUR, limit: 100 })).toEqual([]);
    const hourly = await store.read({ deviceId: 'A', kind: 'room', from: old, to: T0 + HOUR, everyMs: HOUR, limit: 100 });
    expect(hourly).toEqual([
      { ts: old, values: { temp: 17 } },
      { ts: old + HOUR, values: { temp: 20 } },
      { ts: T0, values: { temp: 21 } },
    ]);
    // Weighted by count across the rolled-up hours of one local day: (16 + 18 + 20) / 3.
    const daily = await store.read({ deviceId: 'A', kind: 'room', from: old - 8 * HOUR, to: old + 16 * HOUR, everyMs: DAY, limit: 100 });
    expect(daily).toHaveLength(1);
    expect(daily[0]!.values.temp).toBeCloseTo(18, 9);
    db.close();
  });
});

describe('sqlite daily means kept for the reports', () => {
  // Beijing midnights: 1 December 2026, and the days after it.
  const DAY0 = Date.parse('2026-12-01T00:00:00+08:00');
  const quarterHours = (deviceId: string, day: number, temp: number): Reading[] =>
    Array.from({ length: 96 }, (_, i) => ({ deviceId, kind: 'room', ts: DAY0 + day * DAY + i * 15 * 60_000, values: { temp } }));
  const kept = (db: ReturnType<typeof openDatabase>) => db.prepare('SELECT device_id, field, day, hours, mean FROM daily_means ORDER BY device_id, day').all();

  it('keeps a day once it is over and computed, drops it when a late reading for it arrives, and never keeps today', async () => {
    const clock = { now: DAY0 + 2 * DAY + 10 * HOUR }; // 3 December, 10:00 Beijing time
    const db = openDatabase(tempDir());
    const store = createSqliteTelemetryStore(db, { rawRetentionDays: 30, aggregateRetentionDays: 365, clock: () => clock.now });
    await store.write([...quarterHours('A', 0, 20), ...quarterHours('A', 1, 17), ...quarterHours('A', 2, 19).slice(0, 40)]);
    const query = { kind: 'room' as const, field: 'temp' as const, deviceIds: ['A', 'B'], from: DAY0, to: DAY0 + 3 * DAY };
    const first = await store.dailyMeans(query);
    expect(first.map((d) => [d.deviceId, d.date, d.hours, d.mean])).toEqual([
      ['A', '2026-12-01', 24, 20],
      ['A', '2026-12-02', 24, 17],
      ['A', '2026-12-03', 10, 19],
    ]);
    // 1 and 2 December are over: kept (B's empty days too, so they are not looked for again); 3 December is not.
    const day = (d: number) => Math.floor((DAY0 + d * DAY + 8 * HOUR) / DAY);
    expect(kept(db)).toEqual([
      { device_id: 'A', field: 'temp', day: day(0), hours: 24, mean: 20 },
      { device_id: 'A', field: 'temp', day: day(1), hours: 24, mean: 17 },
      { device_id: 'B', field: 'temp', day: day(0), hours: 0, mean: null },
      { device_id: 'B', field: 'temp', day: day(1), hours: 0, mean: null },
    ]);
    expect(await store.dailyMeans(query)).toEqual(first);

    // A buffered upload: B was on 2 December after all, and A had a cold hour on it.
    await store.write([{ deviceId: 'A', kind: 'room', ts: DAY0 + DAY + 30_000, values: { temp: 4 } }, ...quarterHours('B', 1, 21)]);
    expect(kept(db).map((r) => [(r as { device_id: string }).device_id, (r as { day: number }).day])).toEqual([
      ['A', day(0)],
      ['B', day(0)],
    ]);
    const again = await store.dailyMeans(query);
    expect(again.find((d) => d.deviceId === 'A' && d.date === '2026-12-02')!.mean).toBeCloseTo((17 * 96 + 4) / 97, 10);
    expect(again.find((d) => d.deviceId === 'B')).toEqual({ deviceId: 'B', date: '2026-12-02', hours: 24, mean: 21 });
    db.close();
  });

  /** 3 December 00:00 (Beijing): A's 2 December, 20 °C every quarter-hour, is over; the report's query for it. */
  async function dayOver() {
    const db = openDatabase(tempDir());
    const store = createSqliteTelemetryStore(db, { rawRetentionDays: 30, aggregateRetentionDays: 365, clock: () => DAY0 + 2 * DAY });
    await store.write(quarterHours('A', 1, 20));
    return { db, store, query: { kind: 'room' as const, field: 'temp' as const, deviceIds: ['A'], from: DAY0 + DAY, to: DAY0 + 2 * DAY } };
  }

  it('does not keep a day that a late reading reached while the report was computing it', async () => {
    const { db, store, query } = await dayOver();
    const computing = store.dailyMeans(query);
    // Committed while the worker reads: whether it saw the reading or not, the day is not kept.
    await store.write([{ deviceId: 'A', kind: 'room', ts: DAY0 + DAY + 60_000, values: { temp: 0 } }]);
    await computing;
    expect(kept(db)).toEqual([]);
    expect((await store.dailyMeans(query))[0]!.mean).toBeCloseTo((20 * 96) / 97, 10);
    expect(kept(db)).toHaveLength(1);
    db.close();
  });

  it('does not keep a day whose late reading was handed to the writer and not yet committed when the report began', async () => {
    const { db, store, query } = await dayOver();
    // On the writer thread's queue when the report starts: the report may read before it lands.
    const writing = store.write([{ deviceId: 'A', kind: 'room', ts: DAY0 + DAY + 60_000, values: { temp: 0 } }]);
    const computing = store.dailyMeans(query);
    await Promise.all([writing, computing]);
    expect(kept(db)).toEqual([]);
    expect((await store.dailyMeans(query))[0]!.mean).toBeCloseTo((20 * 96) / 97, 10);
    await store.close();
    db.close();
  });
});

describe('sqlite writer thread', () => {
  it('fails a write it cannot commit (the sensor is not acknowledged) and commits the next one', async () => {
    const { db, store } = open();
    const reading = (ts: number): Reading => ({ deviceId: 'A', kind: 'room', ts, values: { temp: 20 } });
    await store.write([reading(T0)]);
    // The disk refusing, as SQLite would say it: here the table is gone under the writer.
    db.exec('ALTER TABLE readings_room RENAME TO readings_room_away');
    await expect(store.write([reading(T0 + 60_000)])).rejects.toThrow(/readings_room/);
    db.exec('ALTER TABLE readings_room_away RENAME TO readings_room');
    await store.write([reading(T0 + 120_000), { deviceId: 'S', kind: 'substation', ts: T0, values: { supplyTemp: 95, flow: 12.5 } }]);
    expect((await store.read({ deviceId: 'A', kind: 'room', from: T0, to: T0 + HOUR, limit: 10 })).map((r) => r.ts)).toEqual([T0, T0 + 120_000]);
    expect(await store.read({ deviceId: 'S', kind: 'substation', from: T0, to: T0 + 1, limit: 10 })).toEqual([{ ts: T0, values: { supplyTemp: 95, flow: 12.5 } }]);
    await store.close();
    db.close();
  });

  it('never refuses a transaction of the main connection that reads, then writes, while readings are committed beside it', () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    // Another connection on the file, as the writer thread has: it does not wait for the lock.
    const writer = new Database(path.join(dir, 'heatwatch.db'));
    writer.pragma('busy_timeout = 0');
    let refused: unknown;
    const step = db.transaction(() => {
      db.prepare('SELECT COUNT(*) FROM alert_settings').get();
      try {
        writer.prepare('INSERT INTO readings_room (device_id, ts, temp) VALUES (?, ?, ?)').run('A', T0, 20);
      } catch (err) {
        refused = err;
      }
      db.prepare('INSERT INTO alert_settings (key, value, updated_at) VALUES (?, ?, ?)').run('policy', '{}', T0);
    });
    // A deferred transaction would let the readings in, then fail its own write (SQLITE_BUSY).
    expect(() => step()).not.toThrow();
    expect((refused as { code?: string }).code).toBe('SQLITE_BUSY');
    writer.close();
    db.close();
  });

  it('fails the writes a thread held when the thread dies, and starts a new thread for the next', async () => {
    // A thread that cannot even open its file dies at once: the writes it was given must fail, not hang.
    const writer = startTelemetryWriter(path.join(tempDir(), 'gone', 'heatwatch.db'));
    const reading: Reading = { deviceId: 'A', kind: 'room', ts: T0, values: { temp: 20 } };
    await expect(writer.write([reading], [])).rejects.toThrow(/directory does not exist|readings writer thread ended/);
    await expect(writer.write([reading], [])).rejects.toThrow(/directory does not exist|readings writer thread ended/);
    await writer.close();
  });

  it('stores what a reading carried and NULL for the fields it did not, seen by the main connection once the write resolves', async () => {
    const { db, store } = open();
    await store.write([{ deviceId: 'A', kind: 'room', ts: T0, values: { temp: 19.5, humidity: 40 } }]);
    await store.close();
    expect(db.prepare('SELECT device_id, ts, temp, humidity, battery FROM readings_room').all()).toEqual([{ device_id: 'A', ts: T0, temp: 19.5, humidity: 40, battery: null }]);
    db.close();
  });
});

describe('sqlite schema', () => {
  it('has a column for every field of the telemetry contract (a new field needs its migration)', () => {
    const db = openDatabase(tempDir());
    const columns = (table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name).filter((n) => n !== 'device_id' && n !== 'ts');
    // A field added to the contract needs a new migration that adds its column.
    expect(columns('readings_room')).toEqual([...ROOM_FIELDS]);
    expect(columns('readings_substation')).toEqual([...SUBSTATION_FIELDS]);
    db.close();
  });
});
