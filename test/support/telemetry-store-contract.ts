/**
 * The one contract every telemetry store passes (DESIGN.md §6), run against each adapter with
 * a real file or server. `open` gives a fresh, empty store per test.
 */
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../ingest/contracts/payloads.ts';
import type { TelemetryStore } from '../../ingest/ports/telemetry-store.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function describeTelemetryStoreContract(name: string, open: () => Promise<{ store: TelemetryStore; close(): Promise<void> }>) {
  // Recent enough for any server's default retention, fixed for repeatable buckets.
  const T0 = Math.floor((Date.now() - 2 * DAY) / DAY) * DAY - 8 * HOUR; // a Shanghai midnight
  const room = (deviceId: string, ts: number, temp: number, extra: Partial<Reading['values']> = {}): Reading => ({
    deviceId,
    kind: 'room',
    ts,
    values: { temp, ...extra },
  });

  async function withStore(fn: (store: TelemetryStore) => Promise<void>) {
    const { store, close } = await open();
    try {
      await fn(store);
    } finally {
      await close();
    }
  }

  describe(`telemetry store contract: ${name}`, () => {
    it('returns what was written, oldest first, in [from, to)', () =>
      withStore(async (store) => {
        await store.write([room('A', T0 + 2 * HOUR, 20.5, { humidity: 41 }), room('A', T0, 18.25), room('A', T0 + HOUR, 19)]);
        const rows = await store.read({ deviceId: 'A', kind: 'room', from: T0, to: T0 + 2 * HOUR, limit: 100 });
        expect(rows).toEqual([
          { ts: T0, values: { temp: 18.25 } },
          { ts: T0 + HOUR, values: { temp: 19 } },
        ]);
        const last = await store.read({ deviceId: 'A', kind: 'room', from: T0 + 2 * HOUR, to: T0 + 3 * HOUR, limit: 100 });
        expect(last).toEqual([{ ts: T0 + 2 * HOUR, values: { temp: 20.5, humidity: 41 } }]);
      }));

    it('stores a reading written twice once', () =>
      withStore(async (store) => {
        await store.write([room('B', T0, 19.5)]);
        await store.write([room('B', T0, 19.5), room('B', T0 + 1000, 19.6)]);
        const rows = await store.read({ deviceId: 'B', kind: 'room', from: T0 - HOUR, to: T0 + HOUR, limit: 100 });
        expect(rows.map((r) => r.ts)).toEqual([T0, T0 + 1000]);
      }));

    it('keeps devices and kinds apart, and honours the limit', () =>
      withStore(async (store) => {
        await store.write([room('C1', T0, 17), room('C2', T0, 23), room('C1', T0 + 60_000, 17.1)]);
        await store.write([{ deviceId: 'S1', kind: 'substation', ts: T0, values: { supplyTemp: 95.5, returnTemp: 50, supplyPressure: 0.82, secSupplyTemp: 48 } }]);
        expect((await store.read({ deviceId: 'C1', kind: 'room', from: T0, to: T0 + HOUR, limit: 100 })).map((r) => r.values.temp)).toEqual([17, 17.1]);
        expect(await store.read({ deviceId: 'C1', kind: 'room', from: T0, to: T0 + HOUR, limit: 1 })).toHaveLength(1);
        expect(await store.read({ deviceId: 'S1', kind: 'substation', from: T0, to: T0 + 1, limit: 10 })).toEqual([
          { ts: T0, values: { supplyTemp: 95.5, returnTemp: 50, supplyPressure: 0.82, secSupplyTemp: 48 } },
        ]);
        expect(await store.read({ deviceId: 'nobody', kind: 'room', from: T0, to: T0 + HOUR, limit: 10 })).toEqual([]);
      }));

    it("gives every device's readings of a kind over a time range, oldest first, for a new rules leader", () =>
      withStore(async (store) => {
        await store.write([room('C2', T0 + 60_000, 23), room('C1', T0, 17), room('C1', T0 + 120_000, 17.1), room('C3', T0 + 2 * HOUR, 19)]);
        await store.write([{ deviceId: 'S1', kind: 'substation', ts: T0, values: { supplyTemp: 95.5, returnTemp: 50 } }]);
        expect(await store.recent({ kind: 'room', from: T0, to: T0 + HOUR, limit: 100 })).toEqual([room('C1', T0, 17), room('C2', T0 + 60_000, 23), room('C1', T0 + 120_000, 17.1)]);
        expect(await store.recent({ kind: 'room', from: T0, to: T0 + HOUR, limit: 2 })).toEqual([room('C1', T0, 17), room('C2', T0 + 60_000, 23)]);
        expect(await store.recent({ kind: 'substation', from: T0, to: T0 + HOUR, limit: 10 })).toEqual([{ deviceId: 'S1', kind: 'substation', ts: T0, values: { supplyTemp: 95.5, returnTemp: 50 } }]);
        expect(await store.recent({ kind: 'room', from: T0 + 3 * HOUR, to: T0 + 4 * HOUR, limit: 10 })).toEqual([]);
      }));

    it('averages each field per bucket, stamped with the bucket start, empty buckets left out', () =>
      withStore(async (store) => {
        await store.write([
          room('D', T0 + 10 * 60_000, 18, { humidity: 40 }),
          room('D', T0 + 40 * 60_000, 19),
          room('D', T0 + 3 * HOUR + 5 * 60_000, 21, { humidity: 50 }),
        ]);
        const hourly = await store.read({ deviceId: 'D', kind: 'room', from: T0, to: T0 + 4 * HOUR, everyMs: HOUR, limit: 100 });
        expect(hourly).toEqual([
          { ts: T0, values: { temp: 18.5, humidity: 40 } },
          { ts: T0 + 3 * HOUR, values: { temp: 21, humidity: 50 } },
        ]);
      }));

    it('cuts daily buckets at midnight Asia/Shanghai', () =>
      withStore(async (store) => {
        await store.write([room('E', T0 + DAY - 30 * 60_000, 17), room('E', T0 + DAY + 30 * 60_000, 19)]);
        const days = await store.read({ deviceId: 'E', kind: 'room', from: T0, to: T0 + 2 * DAY, everyMs: DAY, limit: 10 });
        expect(days).toEqual([
          { ts: T0, values: { temp: 17 } },
          { ts: T0 + DAY, values: { temp: 19 } },
        ]);
      }));

    it("gives each device's daily mean and the hours of the Beijing day that had a reading", () =>
      withStore(async (store) => {
        const halfHourly = (deviceId: string, day: number, hours: number[], temp: number) => hours.flatMap((h) => [0, 30].map((m) => room(deviceId, T0 + day * DAY + h * HOUR + m * 60_000, temp)));
        const hoursFrom = (a: number, n: number) => Array.from({ length: n }, (_, i) => a + i);
        await store.write([
          ...halfHourly('A', 0, hoursFrom(0, 14), 20),
          ...halfHourly('A', 1, hoursFrom(0, 5), 16),
          ...halfHourly('A', 1, hoursFrom(5, 5), 18),
          ...halfHourly('B', 0, hoursFrom(3, 3), 21),
          // Outside the range: the day before, and the day after.
          ...halfHourly('A', -1, [23], 5),
          ...halfHourly('A', 2, [0], 5),
        ]);
        const days = await store.dailyMeans({ kind: 'room', field: 'temp', deviceIds: ['A'], from: T0, to: T0 + 2 * DAY });
        const date = (d: number) => new Date(T0 + d * DAY + 8 * HOUR).toISOString().slice(0, 10);
        expect(days).toEqual([
          { deviceId: 'A', date: date(0), hours: 14, mean: 20 },
          { deviceId: 'A', date: date(1), hours: 10, mean: 17 },
        ]);
      }));
  });
}
