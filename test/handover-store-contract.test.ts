/**
 * One contract, two stores (issue 18): the handover store's behaviour as the service relies on
 * it, run against SQLite (a file of its own) and PostgreSQL (the machine's, a database of its
 * own, migrated as a node would). PostgreSQL also with two nodes taking one sheet over at once:
 * exactly one of them does.
 */
import { describe, expect, it } from 'vitest';
import type { HandoverSheet } from '../ingest/contracts/handovers.ts';
import { createPgHandoverStore } from '../ingest/adapters/postgres/pg-handover-store.ts';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteHandoverStore } from '../ingest/adapters/sqlite/sqlite-handover-store.ts';
import type { HandoverStore } from '../ingest/ports/handover-store.ts';
import { tempDir } from './support/heatwatch.ts';
import { pgPool, pgTwoPools } from './support/postgres.ts';

const SHEET: HandoverSheet = { incidents: [], tickets: [], promises: [{ ticketId: 'T-000001', kind: 'callback', to: '王先生 13900000001', dueAt: '2026-12-10T15:59:59.999Z', state: 'on_time' }], stops: [] };
const ZHAO = { username: 'zhao.gang', name: '赵刚' };
const SUN = { username: 'sun.yue', name: '孙悦' };
const T = Date.parse('2026-12-10T08:00:00+08:00');

const adapters: [string, () => Promise<HandoverStore>][] = [
  ['SQLite', async () => createSqliteHandoverStore(openDatabase(tempDir()))],
  ['PostgreSQL', async () => createPgHandoverStore((await pgPool()).pool)],
];

describe.each(adapters)('the handover store on %s', (_name, make) => {
  it('keeps a sheet as produced, reads it back, lists the newest first', async () => {
    const store = await make();
    const first = await store.insert({ at: T, from: ZHAO, note: '四号站抢修中', sheet: SHEET });
    const second = await store.insert({ at: T + 3_600_000, from: SUN, note: '', sheet: { ...SHEET, promises: [] } });
    expect(first).toEqual({ id: first.id, createdAt: new Date(T).toISOString(), from: ZHAO, note: '四号站抢修中', sheet: SHEET, acknowledgedAt: null, acknowledgedBy: null, ackNote: null });
    expect(await store.get(first.id)).toEqual(first);
    expect(await store.get(second.id + 1000)).toBeUndefined();
    expect((await store.list(10)).map((h) => h.id)).toEqual([second.id, first.id]);
    expect((await store.list(1)).map((h) => h.id)).toEqual([second.id]);
  });

  it('records the taking over once', async () => {
    const store = await make();
    const h = await store.insert({ at: T, from: ZHAO, note: '', sheet: SHEET });
    expect(await store.acknowledge(h.id, T + 60_000, SUN, '已接班')).toBe(true);
    expect(await store.acknowledge(h.id, T + 120_000, { username: 'li', name: '李' }, '')).toBe(false);
    expect(await store.get(h.id)).toMatchObject({ acknowledgedAt: new Date(T + 60_000).toISOString(), acknowledgedBy: SUN, ackNote: '已接班' });
  });
});

describe('the handover store on PostgreSQL, two nodes at once', () => {
  it('lets exactly one of two nodes take the same sheet over', async () => {
    const { pool, other } = await pgTwoPools();
    const [a, b] = [createPgHandoverStore(pool), createPgHandoverStore(other)];
    for (let i = 0; i < 10; i++) {
      const h = await a.insert({ at: T + i, from: ZHAO, note: '', sheet: SHEET });
      const results = await Promise.all([a.acknowledge(h.id, T + 1000, SUN, 'A'), b.acknowledge(h.id, T + 1000, { username: 'li', name: '李' }, 'B')]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });
});
