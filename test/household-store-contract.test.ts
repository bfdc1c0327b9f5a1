/**
 * One contract, two stores (issue 18): the household store's behaviour as households, imports
 * and search rely on it, run against SQLite (a file of its own) and PostgreSQL (a database of its
 * own, migrated as a node would). PostgreSQL also with two nodes at once: one household per id,
 * one household per sensor.
 */
import { describe, expect, it } from 'vitest';
import type { HouseholdInput } from '../ingest/contracts/households.ts';
import { createPgHouseholdStore } from '../ingest/adapters/postgres/pg-household-store.ts';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteHouseholdStore } from '../ingest/adapters/sqlite/sqlite-household-store.ts';
import type { HouseholdStore } from '../ingest/ports/household-store.ts';
import { tempDir } from './support/heatwatch.ts';
import { pgPool, pgTwoPools } from './support/postgres.ts';

const T = Date.parse('2026-12-10T08:00:00+08:00');
const ISO = new Date(T).toISOString();

const WANG: HouseholdInput = { id: 'HH-0101', name: '王建国', phone: '139 0000 0001', address: '幸福小区 1 号楼 101', substationId: 'S-04', deviceIds: ['room-12', 'room-03'], areaM2: 86.5 };
const LI: HouseholdInput = { id: 'HH-0102', name: '李秀英', phone: '0537-5316206', address: '幸福小区 1 号楼 102', substationId: 'S-04', deviceIds: [] };
const ZHOU: HouseholdInput = { id: 'HH-0201', name: '周明', phone: '13900000003', address: '光明路 7 号 50%', substationId: 'S-05', deviceIds: ['room-20'] };

const stored = (h: HouseholdInput, createdAt = ISO, updatedAt = createdAt) => ({ ...h, deviceIds: [...h.deviceIds].sort(), areaM2: h.areaM2 ?? null, createdAt, updatedAt });

const adapters: [string, () => Promise<HouseholdStore>][] = [
  ['SQLite', async () => createSqliteHouseholdStore(openDatabase(tempDir()))],
  ['PostgreSQL', async () => createPgHouseholdStore((await pgPool()).pool)],
];

describe.each(adapters)('the household store on %s', (_name, make) => {
  it('keeps a household with its sensors, once per id', async () => {
    const store = await make();
    expect(await store.insert(WANG, T)).toBe(true);
    expect(await store.insert(LI, T)).toBe(true);
    expect(await store.get(WANG.id)).toEqual(stored(WANG));
    expect(await store.get(LI.id)).toEqual(stored(LI));
    expect(await store.get('HH-9999')).toBeUndefined();
    expect(await store.insert({ ...WANG, name: '王二', deviceIds: ['room-99'] }, T + 1000)).toBe(false);
    expect(await store.get(WANG.id)).toEqual(stored(WANG));
    expect(await store.forDevice('room-99')).toBeUndefined();
  });

  it('refuses a sensor another household holds, keeping nothing of the newcomer', async () => {
    const store = await make();
    await store.insert(WANG, T);
    await expect(store.insert({ ...LI, deviceIds: ['room-40', 'room-03'] }, T)).rejects.toThrow();
    expect(await store.get(LI.id)).toBeUndefined();
    expect(await store.holders(['room-40', 'room-03'])).toEqual(new Map([['room-03', WANG.id]]));
  });

  it('replaces everything but the id and the creation time', async () => {
    const store = await make();
    await store.insert(WANG, T);
    const { id: _id, ...rest } = ZHOU;
    expect(await store.update(WANG.id, { ...rest, deviceIds: ['room-20', 'room-12'] }, T + 1000)).toBe(true);
    expect(await store.get(WANG.id)).toEqual(stored({ ...ZHOU, id: WANG.id, deviceIds: ['room-12', 'room-20'] }, ISO, new Date(T + 1000).toISOString()));
    expect(await store.forDevice('room-03')).toBeUndefined();
    expect(await store.update('HH-9999', rest, T)).toBe(false);
    expect(await store.get('HH-9999')).toBeUndefined();
    await store.insert(LI, T);
    await expect(store.update(LI.id, { ...rest, deviceIds: ['room-12'] }, T + 2000)).rejects.toThrow();
    expect(await store.get(LI.id)).toEqual(stored(LI));
  });

  it('deletes a household and frees its sensors', async () => {
    const store = await make();
    await store.insert(WANG, T);
    expect(await store.delete(WANG.id)).toBe(true);
    expect(await store.delete(WANG.id)).toBe(false);
    expect(await store.get(WANG.id)).toBeUndefined();
    expect(await store.holders(WANG.deviceIds)).toEqual(new Map());
    expect(await store.insert({ ...LI, deviceIds: ['room-03'] }, T)).toBe(true);
  });

  it('lists households by id a page at a time, with the total, of one substation or all', async () => {
    const store = await make();
    expect(await store.list({ limit: 10, offset: 0 })).toEqual({ households: [], total: 0 });
    for (const h of [ZHOU, LI, WANG, { ...LI, id: 'hh-0001' }, { ...LI, id: 'HH_0001' }]) await store.insert(h, T);
    const ids = async (q: { substationId?: string; limit: number; offset: number }) => {
      const { households, total } = await store.list(q);
      return { ids: households.map((h) => h.id), total };
    };
    // Byte order: upper case before _ before lower case.
    expect(await ids({ limit: 10, offset: 0 })).toEqual({ ids: ['HH-0101', 'HH-0102', 'HH-0201', 'HH_0001', 'hh-0001'], total: 5 });
    expect(await ids({ limit: 2, offset: 1 })).toEqual({ ids: ['HH-0102', 'HH-0201'], total: 5 });
    expect(await ids({ limit: 10, offset: 9 })).toEqual({ ids: [], total: 5 });
    expect(await ids({ substationId: 'S-05', limit: 10, offset: 0 })).toEqual({ ids: ['HH-0201'], total: 1 });
    expect(await ids({ substationId: 'S-04', limit: 1, offset: 1 })).toEqual({ ids: ['HH-0102'], total: 4 });
    expect((await store.list({ limit: 1, offset: 0 })).households).toEqual([stored(WANG)]);
  });

  it('finds the household of a sensor, and the holders of several', async () => {
    const store = await make();
    await store.insert(WANG, T);
    await store.insert(ZHOU, T);
    expect(await store.forDevice('room-03')).toEqual(stored(WANG));
    expect(await store.forDevice('room-77')).toBeUndefined();
    const holders = await store.holders(['room-20', 'room-77', 'room-12']);
    expect(holders).toBeInstanceOf(Map);
    expect([...holders]).toEqual([
      ['room-20', ZHOU.id],
      ['room-12', WANG.id],
    ]);
    expect(await store.holders([])).toEqual(new Map());
  });

  it('searches id, name and address for text (any case, wildcards literal), the phone for digits', async () => {
    const store = await make();
    for (const h of [ZHOU, LI, WANG]) await store.insert(h, T);
    const ids = async (q: { text: string | null; digits: string | null; limit: number }) => (await store.search(q)).map((h) => h.id);
    expect(await ids({ text: '幸福小区', digits: null, limit: 10 })).toEqual(['HH-0101', 'HH-0102']);
    expect(await ids({ text: 'hh-02', digits: null, limit: 10 })).toEqual(['HH-0201']);
    expect(await ids({ text: '李秀', digits: null, limit: 10 })).toEqual(['HH-0102']);
    expect(await ids({ text: '50%', digits: null, limit: 10 })).toEqual(['HH-0201']);
    expect(await ids({ text: 'HH_01', digits: null, limit: 10 })).toEqual([]);
    expect(await ids({ text: null, digits: '9000000', limit: 10 })).toEqual(['HH-0101', 'HH-0201']);
    expect(await ids({ text: null, digits: '5375316', limit: 10 })).toEqual(['HH-0102']);
    expect(await ids({ text: '周', digits: '5375316', limit: 10 })).toEqual(['HH-0102', 'HH-0201']);
    expect(await ids({ text: '幸福', digits: null, limit: 1 })).toEqual(['HH-0101']);
    expect(await ids({ text: null, digits: null, limit: 10 })).toEqual([]);
    expect(await ids({ text: null, digits: '', limit: 10 })).toEqual([]);
    expect(await store.search({ text: '王建国', digits: null, limit: 10 })).toEqual([stored(WANG)]);
  });

  it('imports many at once, skipping and returning the ids taken', async () => {
    const store = await make();
    await store.insert(LI, T);
    expect(await store.insertMany([], T)).toEqual({ inserted: 0, taken: [] });
    expect(await store.insertMany([WANG, LI, ZHOU, { ...WANG, name: '又一个' }], T + 1000)).toEqual({ inserted: 2, taken: [LI.id, WANG.id] });
    expect(await store.get(WANG.id)).toEqual(stored(WANG, new Date(T + 1000).toISOString()));
    expect(await store.get(LI.id)).toEqual(stored(LI));
    expect(await store.forDevice('room-20')).toEqual(stored(ZHOU, new Date(T + 1000).toISOString()));
  });

  it('imports all or nothing when a sensor is already held', async () => {
    const store = await make();
    await store.insert(WANG, T);
    await expect(store.insertMany([LI, { ...ZHOU, deviceIds: ['room-20', 'room-12'] }], T)).rejects.toThrow();
    expect((await store.list({ limit: 10, offset: 0 })).total).toBe(1);
    expect(await store.holders(['room-20'])).toEqual(new Map());
  });
});

describe('the household store on PostgreSQL, two nodes at once', () => {
  const twoNodes = async () => {
    const { pool, other } = await pgTwoPools();
    return [createPgHouseholdStore(pool), createPgHouseholdStore(other)] as const;
  };

  it('keeps one household of an id both create', async () => {
    const [a, b] = await twoNodes();
    for (let i = 0; i < 10; i++) {
      const id = `HH-${i}`;
      const results = await Promise.all([a.insert({ ...WANG, id, deviceIds: [`a-${i}`] }, T), b.insert({ ...LI, id, deviceIds: [`b-${i}`] }, T)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const h = await a.get(id);
      expect(h!.deviceIds).toEqual([results[0] ? `a-${i}` : `b-${i}`]);
    }
  });

  it('gives a sensor both claim to one household', async () => {
    const [a, b] = await twoNodes();
    for (let i = 0; i < 10; i++) {
      const results = await Promise.allSettled([a.insert({ ...WANG, id: `A-${i}`, deviceIds: [`room-${i}`] }, T), b.insert({ ...LI, id: `B-${i}`, deviceIds: [`room-${i}`] }, T)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const winner = results[0].status === 'fulfilled' ? `A-${i}` : `B-${i}`;
      expect(await a.holders([`room-${i}`])).toEqual(new Map([[`room-${i}`, winner]]));
      expect((await a.list({ limit: 100, offset: 0 })).households.filter((h) => h.id.endsWith(`-${i}`))).toHaveLength(1);
    }
  });
});
