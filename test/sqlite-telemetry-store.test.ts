/** The SQLite telemetry store on a real file: the shared contract, plus retention roll-up. */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteTelemetryStore } from '../ingest/adapters/sqlite/sqlite-telemetry-store.ts';
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
