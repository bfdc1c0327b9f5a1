/**
 * One contract, two stores (issue 18): the visit store's behaviour as the visit service relies on
 * it, run against SQLite (a file of its own) and PostgreSQL (a database of its own, migrated as
 * a node would). PostgreSQL also with two nodes recording one visit at once: exactly one does.
 */
import { describe, expect, it } from 'vitest';
import type { Measurement } from '../ingest/contracts/visits.ts';
import { createPgVisitStore } from '../ingest/adapters/postgres/pg-visit-store.ts';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteVisitStore } from '../ingest/adapters/sqlite/sqlite-visit-store.ts';
import type { VisitCompletion, VisitStore } from '../ingest/ports/visit-store.ts';
import { tempDir } from './support/heatwatch.ts';
import { pgPool, pgTwoPools } from './support/postgres.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T = Date.parse('2026-12-10T09:00:00+08:00');
const iso = (ms: number) => new Date(ms).toISOString();
/** A 1×1 PNG from the pad: bytes of every kind (NUL, 0xff), as BYTEA and BLOB must keep them. */
const SIGNATURE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const measured = (room: string, temp: number, deviceId: string | null = null, sensorC: number | null = null): Measurement => ({
  room,
  temp,
  deviceId,
  sensorC,
  calibrate: sensorC !== null && Math.abs(temp - sensorC) > 1.5,
});

const plan = (householdId: string, scheduledAt: number, more: { ticketId?: string; customerAskedForNight?: boolean; note?: string } = {}) => ({
  householdId,
  scheduledAt,
  staff: ['赵工', '钱工'],
  ticketId: more.ticketId ?? null,
  customerAskedForNight: more.customerAskedForNight ?? false,
  note: more.note ?? '',
  at: T - DAY,
  by: 'sun.yue',
});

const signed = (at: number, measurements: Measurement[], more: Partial<VisitCompletion> = {}): VisitCompletion => ({
  at,
  by: 'zhao.gang',
  measurements,
  signaturePng: SIGNATURE,
  refused: null,
  note: '',
  ...more,
});

const adapters: [string, () => Promise<VisitStore>][] = [
  ['SQLite', async () => createSqliteVisitStore(openDatabase(tempDir()))],
  ['PostgreSQL', async () => createPgVisitStore((await pgPool()).pool)],
];

describe.each(adapters)('the visit store on %s', (_name, make) => {
  it('numbers visits V-000001 on and keeps the plan as given', async () => {
    const store = await make();
    const first = await store.insert({ ...plan('H-A', T, { ticketId: 'T-000042', customerAskedForNight: true, note: '客户晚上在家' }), staff: ['赵工', '钱工', '孙工'] });
    expect(first).toEqual({
      id: 'V-000001',
      householdId: 'H-A',
      scheduledAt: iso(T),
      staff: ['赵工', '钱工', '孙工'],
      ticketId: 'T-000042',
      customerAskedForNight: true,
      note: '客户晚上在家',
      status: 'planned',
      createdAt: iso(T - DAY),
      createdBy: 'sun.yue',
      completedAt: null,
      completedBy: null,
      measurements: [],
      signed: false,
      refused: null,
      completionNote: '',
    });
    const second = await store.insert(plan('H-B', T + HOUR));
    expect(second).toMatchObject({ id: 'V-000002', ticketId: null, customerAskedForNight: false, note: '' });
    expect(await store.get('V-000001')).toEqual(first);
    expect(await store.get('V-000003')).toBeUndefined();
    expect(await store.get('T-000001')).toBeUndefined();
    expect(await store.get('V-00000A')).toBeUndefined();
  });

  it('records the form once, with the signature kept apart and given back byte for byte', async () => {
    const store = await make();
    const v = await store.insert(plan('H-A', T));
    const form = [measured('卧室', 17.2, 'R-1001', 19.4), measured('客厅', 18.6)];
    expect(await store.complete(v.id, signed(T + 20 * MINUTE, form, { note: '卧室暖气片偏凉' }))).toBe(true);
    const done = await store.get(v.id);
    expect(done).toEqual({ ...v, status: 'done', completedAt: iso(T + 20 * MINUTE), completedBy: 'zhao.gang', measurements: form, signed: true, refused: null, completionNote: '卧室暖气片偏凉' });
    const png = await store.signature(v.id);
    expect(Buffer.isBuffer(png)).toBe(true);
    expect(png!.equals(SIGNATURE)).toBe(true);

    // A second form, from another device or a retry, changes nothing; nor may a done visit be cancelled.
    expect(await store.complete(v.id, signed(T + HOUR, [measured('卧室', 21)], { signaturePng: null, by: 'qian' }))).toBe(false);
    expect(await store.cancel(v.id, T + HOUR)).toBe(false);
    expect(await store.get(v.id)).toEqual(done);
    expect((await store.signature(v.id))!.equals(SIGNATURE)).toBe(true);
  });

  it('records a refusal to sign with the neighbour measured instead, and no signature', async () => {
    const store = await make();
    const v = await store.insert(plan('H-A', T));
    const refused = { reason: '客户拒绝签字', neighbourHouseholdId: 'H-B', neighbourMeasurements: [measured('卧室', 18.1, 'R-2001', 18.3)] };
    expect(await store.complete(v.id, signed(T + HOUR, [measured('客厅', 17.5)], { signaturePng: null, refused }))).toBe(true);
    expect(await store.get(v.id)).toMatchObject({ status: 'done', signed: false, refused, completionNote: '' });
    expect(await store.signature(v.id)).toBeUndefined();
  });

  it('cancels a planned visit once, and then takes no form for it', async () => {
    const store = await make();
    const v = await store.insert(plan('H-A', T));
    expect(await store.cancel(v.id, T - HOUR)).toBe(true);
    const cancelled = await store.get(v.id);
    expect(cancelled).toEqual({ ...v, status: 'cancelled', completedAt: iso(T - HOUR) });
    expect(await store.cancel(v.id, T)).toBe(false);
    expect(await store.complete(v.id, signed(T, []))).toBe(false);
    expect(await store.get(v.id)).toEqual(cancelled);
    expect(await store.signature(v.id)).toBeUndefined();
  });

  it('answers false or nothing for a visit that does not exist', async () => {
    const store = await make();
    await store.insert(plan('H-A', T));
    for (const id of ['V-000404', 'nonsense']) {
      expect(await store.complete(id, signed(T, []))).toBe(false);
      expect(await store.cancel(id, T)).toBe(false);
      expect(await store.signature(id)).toBeUndefined();
    }
  });

  it("lists a household's or a status's visits, the latest appointment first", async () => {
    const store = await make();
    const early = await store.insert(plan('H-A', T));
    const late = await store.insert(plan('H-A', T + DAY));
    const sameTime = await store.insert(plan('H-A', T + DAY));
    const elsewhere = await store.insert(plan('H-B', T + HOUR));
    await store.complete(early.id, signed(T, []));
    const ids = async (q: { householdId?: string; status?: 'planned' | 'done' | 'cancelled'; limit?: number }) => (await store.list({ limit: 50, ...q })).map((v) => v.id);
    expect(await ids({})).toEqual([sameTime.id, late.id, elsewhere.id, early.id]);
    expect(await ids({ limit: 2 })).toEqual([sameTime.id, late.id]);
    expect(await ids({ householdId: 'H-A' })).toEqual([sameTime.id, late.id, early.id]);
    expect(await ids({ status: 'planned' })).toEqual([sameTime.id, late.id, elsewhere.id]);
    expect(await ids({ householdId: 'H-A', status: 'done' })).toEqual([early.id]);
    expect(await ids({ status: 'cancelled' })).toEqual([]);
    expect(await ids({ householdId: 'H-C' })).toEqual([]);
    expect((await store.list({ householdId: 'H-A', status: 'done', limit: 1 }))[0]).toMatchObject({ signed: true, status: 'done' });
  });

  it("gives a day's visits, planned or done, earliest first, the cancelled left out", async () => {
    const store = await make();
    const dayStart = Date.parse('2026-12-10T00:00:00+08:00');
    const afternoon = await store.insert(plan('H-A', dayStart + 14 * HOUR));
    const morning = await store.insert(plan('H-B', dayStart + 9 * HOUR));
    const sameTime = await store.insert(plan('H-C', dayStart + 9 * HOUR));
    const cancelled = await store.insert(plan('H-D', dayStart + 10 * HOUR));
    const first = await store.insert(plan('H-E', dayStart));
    await store.insert(plan('H-F', dayStart + DAY));
    await store.insert(plan('H-G', dayStart - 1));
    await store.cancel(cancelled.id, dayStart);
    await store.complete(morning.id, signed(dayStart + 9 * HOUR + 20 * MINUTE, []));
    const day = await store.scheduled(dayStart, dayStart + DAY);
    expect(day.map((v) => v.id)).toEqual([first.id, morning.id, sameTime.id, afternoon.id]);
    expect(day[1]).toMatchObject({ status: 'done', signed: true });
    expect(await store.scheduled(dayStart + 2 * DAY, dayStart + 3 * DAY)).toEqual([]);
  });

  it('counts the forms recorded in a range, the refusals, and the sensors they flagged', async () => {
    const store = await make();
    const from = T;
    const to = T + DAY;
    const visits = await Promise.all(['H-A', 'H-B', 'H-C', 'H-D', 'H-E'].map(async (h) => (await store.insert(plan(h, T))).id));
    const [a, b, c, d, e] = visits as [string, string, string, string, string];
    await store.complete(a, signed(T, [measured('卧室', 16, 'R-1', 19), measured('客厅', 16, 'R-2', 19), measured('厨房', 16)]));
    const refused = { reason: '不在家', neighbourHouseholdId: 'H-X', neighbourMeasurements: [measured('卧室', 16, 'R-9', 19)] };
    await store.complete(b, signed(T + HOUR, [measured('卧室', 15, 'R-1', 18), measured('客厅', 18, 'R-3', 18.5)], { signaturePng: null, refused }));
    await store.complete(c, signed(to, [measured('卧室', 16, 'R-4', 19)]));
    await store.complete(d, signed(from - 1, [measured('卧室', 16, 'R-5', 19)]));
    await store.cancel(e, T + HOUR);
    expect(await store.figures(from, to)).toEqual({ done: 2, refused: 1, sensorsFlagged: 2 });
    expect(await store.figures(to, to + DAY)).toEqual({ done: 1, refused: 0, sensorsFlagged: 1 });
    expect(await store.figures(to + DAY, to + 2 * DAY)).toEqual({ done: 0, refused: 0, sensorsFlagged: 0 });
  });

  it('flags a sensor by its latest measured visit: a later good reading clears it', async () => {
    const store = await make();
    expect(await store.calibrationFlags()).toEqual([]);
    // Inserted in one order, recorded in another: the time recorded decides.
    const later = await store.insert(plan('H-A', T));
    const earlier = await store.insert(plan('H-B', T));
    await store.complete(later.id, signed(T + DAY, [measured('卧室', 18, 'R-1', 18.4), measured('客厅', 17, 'R-3', null)]));
    await store.complete(earlier.id, signed(T, [measured('卧室', 16, 'R-1', 19), measured('客厅', 15.5, 'R-2', 18.1), measured('厨房', 15, 'R-3', 19)]));
    expect(await store.calibrationFlags()).toEqual([
      { deviceId: 'R-2', visitId: earlier.id, at: T, measuredC: 15.5, sensorC: 18.1 },
      { deviceId: 'R-3', visitId: earlier.id, at: T, measuredC: 15, sensorC: 19 },
    ]);
  });
});

describe('the visit store on PostgreSQL, two nodes at once', () => {
  async function twoNodes() {
    const { pool, other } = await pgTwoPools();
    return [createPgVisitStore(pool), createPgVisitStore(other)] as const;
  }

  it('lets exactly one of two nodes record the same visit', async () => {
    const [a, b] = await twoNodes();
    for (let i = 0; i < 10; i++) {
      const v = await a.insert(plan(`H-${i}`, T + i));
      const results = await Promise.all([a.complete(v.id, signed(T, [measured('卧室', 18)], { by: 'a' })), b.complete(v.id, signed(T, [measured('卧室', 19)], { by: 'b' }))]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await b.get(v.id))!.completedBy).toBe(results[0] ? 'a' : 'b');
    }
  });

  it('lets a visit be either recorded or cancelled, never both', async () => {
    const [a, b] = await twoNodes();
    for (let i = 0; i < 10; i++) {
      const v = await a.insert(plan(`H-${i}`, T + i));
      const [completed, cancelled] = await Promise.all([a.complete(v.id, signed(T, [])), b.cancel(v.id, T)]);
      expect(completed !== cancelled).toBe(true);
      expect((await a.get(v.id))!.status).toBe(completed ? 'done' : 'cancelled');
    }
  });
});
