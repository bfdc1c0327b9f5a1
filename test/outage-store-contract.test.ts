/**
 * One contract, two stores (issue 18): the outage store's behaviour as stops and their notices
 * rely on it, run against SQLite (a file of its own) and PostgreSQL (a database of its own,
 * migrated as a node would). PostgreSQL also with two nodes queueing one round of notices at
 * once: each household is told once per channel.
 */
import { describe, expect, it } from 'vitest';
import { createPgOutageStore } from '../ingest/adapters/postgres/pg-outage-store.ts';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteOutageStore } from '../ingest/adapters/sqlite/sqlite-outage-store.ts';
import type { Notice, Outage, OutageStore } from '../ingest/ports/outage-store.ts';
import { tempDir } from './support/heatwatch.ts';
import { pgPool, pgTwoPools } from './support/postgres.ts';

const T = Date.parse('2026-12-10T08:00:00+08:00');
const HOUR = 3_600_000;

const STOP: Omit<Outage, 'id'> = {
  substationId: 'S-04',
  kind: 'planned',
  startsAt: T + 24 * HOUR,
  endsAt: T + 30 * HOUR,
  reason: '管网检修',
  areas: '幸福小区 1-3 号楼',
  registeredAt: T,
  registeredBy: 'zhao.gang',
  endedAt: null,
  cancelledAt: null,
  revision: 0,
  updatedAt: T,
};

type NewNotice = Omit<Notice, 'status' | 'attempts' | 'lastError' | 'sentAt'>;
const notice = (id: string, outageId: number, householdId: string, over: Partial<NewNotice> = {}): NewNotice => ({
  id,
  outageId,
  revision: 0,
  kind: 'stop',
  householdId,
  channelId: 'sms',
  phone: '13900000001',
  text: '【热力】12月11日8时起停热检修',
  nextAttemptAt: T,
  createdAt: T,
  ...over,
});
const queued = (n: NewNotice): Notice => ({ ...n, status: 'pending', attempts: 0, lastError: null, sentAt: null });

const adapters: [string, () => Promise<OutageStore>][] = [
  ['SQLite', async () => createSqliteOutageStore(openDatabase(tempDir()))],
  ['PostgreSQL', async () => createPgOutageStore((await pgPool()).pool)],
];

describe.each(adapters)('the outage store on %s', (_name, make) => {
  it('keeps a stop as registered, reads it back, lists stops by start', async () => {
    const store = await make();
    expect(await store.all()).toEqual([]);
    const later = await store.insert(STOP);
    const sooner = await store.insert({ ...STOP, kind: 'unplanned', startsAt: T, endsAt: null, areas: null, reason: '爆管' });
    const alongside = await store.insert({ ...STOP, substationId: 'S-05' });
    expect(later).toEqual({ id: later.id, ...STOP });
    expect(typeof later.id).toBe('number');
    expect(await store.get(sooner.id)).toEqual({ ...STOP, id: sooner.id, kind: 'unplanned', startsAt: T, endsAt: null, areas: null, reason: '爆管' });
    expect(await store.get(alongside.id + 1000)).toBeUndefined();
    expect((await store.all()).map((o) => o.id)).toEqual([sooner.id, later.id, alongside.id]);
  });

  it('applies a patch and leaves the rest as it was', async () => {
    const store = await make();
    const o = await store.insert(STOP);
    const changed = await store.update(o.id, { endsAt: T + 36 * HOUR, reason: '管网检修延期', revision: 1, updatedAt: T + HOUR });
    expect(changed).toEqual({ ...o, endsAt: T + 36 * HOUR, reason: '管网检修延期', revision: 1, updatedAt: T + HOUR });
    expect(await store.get(o.id)).toEqual(changed);
    expect(await store.update(o.id, { endsAt: null, areas: null })).toEqual({ ...changed, endsAt: null, areas: null });
    expect(await store.update(o.id, {})).toEqual({ ...changed, endsAt: null, areas: null });
  });

  it('queues each notice once per stop, revision, household and channel, and counts what it queued', async () => {
    const store = await make();
    const o = await store.insert(STOP);
    expect(await store.queueNotices([])).toBe(0);
    const first = [notice('n-1', o.id, 'H-001'), notice('n-2', o.id, 'H-002'), notice('n-3', o.id, 'H-001', { channelId: 'voice' })];
    expect(await store.queueNotices(first)).toBe(3);
    // The same notices again (a retry of the round, new ids), one already queued by id, and one new revision.
    const again = [
      notice('n-4', o.id, 'H-001', { text: '改了' }),
      notice('n-2', o.id, 'H-009'),
      notice('n-5', o.id, 'H-001', { revision: 1, kind: 'change' }),
      notice('n-6', o.id, 'H-001', { revision: 1, kind: 'change', text: '重复' }),
    ];
    expect(await store.queueNotices(again)).toBe(1);
    expect(await store.notices(o.id)).toEqual([queued(first[0]!), queued(first[2]!), queued(first[1]!), queued(again[2]!)]);
  });

  it('lists a stop’s notices by revision, household and channel', async () => {
    const store = await make();
    const o = await store.insert(STOP);
    const other = await store.insert(STOP);
    await store.queueNotices([
      notice('n-1', o.id, 'H-002', { revision: 1 }),
      notice('n-2', o.id, 'H-002'),
      notice('n-3', o.id, 'h-001'),
      notice('n-4', o.id, 'H-010', { channelId: 'voice' }),
      notice('n-5', o.id, 'H-010'),
      notice('n-6', other.id, 'H-001'),
    ]);
    expect((await store.notices(o.id)).map((n) => n.id)).toEqual(['n-2', 'n-5', 'n-4', 'n-3', 'n-1']);
    expect(await store.notices(other.id + 1000)).toEqual([]);
  });

  it('hands out due notices in attempt order, and records each attempt', async () => {
    const store = await make();
    const o = await store.insert(STOP);
    expect(await store.dueNotices(T, 10)).toEqual([]);
    expect(await store.nextNoticeAt()).toBeNull();
    await store.queueNotices([notice('n-3', o.id, 'H-003', { nextAttemptAt: T + 2 }), notice('n-1', o.id, 'H-001'), notice('n-2', o.id, 'H-002', { nextAttemptAt: T + 1 })]);
    expect((await store.dueNotices(T + 2, 10)).map((n) => n.id)).toEqual(['n-1', 'n-2', 'n-3']);
    expect((await store.dueNotices(T + 1, 10)).map((n) => n.id)).toEqual(['n-1', 'n-2']);
    expect((await store.dueNotices(T + 2, 1)).map((n) => n.id)).toEqual(['n-1']);
    expect(await store.nextNoticeAt()).toBe(T);

    await store.updateNotice({ id: 'n-1', status: 'sent', attempts: 1, nextAttemptAt: T, lastError: null, sentAt: T + 5 });
    await store.updateNotice({ id: 'n-2', status: 'pending', attempts: 1, nextAttemptAt: T + HOUR, lastError: 'gateway busy', sentAt: null });
    await store.updateNotice({ id: 'n-3', status: 'failed', attempts: 5, nextAttemptAt: T + 2, lastError: 'number unreachable', sentAt: null });
    expect(await store.dueNotices(T + 2, 10)).toEqual([]);
    expect(await store.nextNoticeAt()).toBe(T + HOUR);
    expect(await store.dueNotices(T + HOUR, 10)).toEqual([{ ...queued(notice('n-2', o.id, 'H-002')), attempts: 1, nextAttemptAt: T + HOUR, lastError: 'gateway busy' }]);
    expect((await store.notices(o.id))[0]).toEqual({ ...queued(notice('n-1', o.id, 'H-001')), status: 'sent', attempts: 1, sentAt: T + 5 });
  });

  it('lets one claim a due notice for an attempt, due again when the claim runs out', async () => {
    const store = await make();
    const o = await store.insert(STOP);
    await store.queueNotices([notice('n-1', o.id, 'H-001')]);
    expect(await store.claimNotice('n-1', T, T + 25_000)).toBe(true);
    expect(await store.claimNotice('n-1', T, T + 25_000)).toBe(false);
    expect(await store.dueNotices(T + 24_999, 10)).toEqual([]);
    expect(await store.dueNotices(T + 25_000, 10)).toEqual([{ ...queued(notice('n-1', o.id, 'H-001')), nextAttemptAt: T + 25_000 }]);
    await store.updateNotice({ id: 'n-1', status: 'sent', attempts: 1, nextAttemptAt: T + 25_000, lastError: null, sentAt: T + 26_000 });
    expect(await store.claimNotice('n-1', T + 25_000, T + 50_000)).toBe(false);
  });

  it('counts a stop’s notices over every revision, as numbers, with the first sent', async () => {
    const store = await make();
    const o = await store.insert(STOP);
    const other = await store.insert(STOP);
    expect(await store.noticeCounts(o.id)).toEqual({ sent: 0, failed: 0, pending: 0, firstSentAt: null });
    await store.queueNotices([
      notice('n-1', o.id, 'H-001'),
      notice('n-2', o.id, 'H-002'),
      notice('n-3', o.id, 'H-003'),
      notice('n-4', o.id, 'H-001', { revision: 1 }),
      notice('n-5', o.id, 'H-002', { revision: 1 }),
      notice('n-6', other.id, 'H-001'),
    ]);
    expect(await store.noticeCounts(o.id)).toEqual({ sent: 0, failed: 0, pending: 5, firstSentAt: null });
    await store.updateNotice({ id: 'n-4', status: 'sent', attempts: 1, nextAttemptAt: T, lastError: null, sentAt: T + 2 * HOUR });
    await store.updateNotice({ id: 'n-1', status: 'sent', attempts: 1, nextAttemptAt: T, lastError: null, sentAt: T + HOUR });
    await store.updateNotice({ id: 'n-2', status: 'failed', attempts: 3, nextAttemptAt: T, lastError: 'x', sentAt: null });
    await store.updateNotice({ id: 'n-6', status: 'sent', attempts: 1, nextAttemptAt: T, lastError: null, sentAt: T });
    expect(await store.noticeCounts(o.id)).toEqual({ sent: 2, failed: 1, pending: 2, firstSentAt: T + HOUR });
  });

  it('queues a stop’s failed notices again from now, once', async () => {
    const store = await make();
    const o = await store.insert(STOP);
    const other = await store.insert(STOP);
    await store.queueNotices([notice('n-1', o.id, 'H-001'), notice('n-2', o.id, 'H-002'), notice('n-3', o.id, 'H-003'), notice('n-4', other.id, 'H-001')]);
    await store.updateNotice({ id: 'n-1', status: 'failed', attempts: 5, nextAttemptAt: T + 9, lastError: 'unreachable', sentAt: null });
    await store.updateNotice({ id: 'n-2', status: 'failed', attempts: 5, nextAttemptAt: T + 9, lastError: 'unreachable', sentAt: null });
    await store.updateNotice({ id: 'n-3', status: 'sent', attempts: 1, nextAttemptAt: T, lastError: null, sentAt: T + 1 });
    await store.updateNotice({ id: 'n-4', status: 'failed', attempts: 5, nextAttemptAt: T + 9, lastError: 'unreachable', sentAt: null });
    expect(await store.retryFailed(o.id, T + HOUR)).toBe(2);
    expect(await store.retryFailed(o.id, T + 2 * HOUR)).toBe(0);
    const [n1, n2, n3] = await store.notices(o.id);
    expect(n1).toEqual({ ...queued(notice('n-1', o.id, 'H-001')), nextAttemptAt: T + HOUR });
    expect(n2).toEqual({ ...queued(notice('n-2', o.id, 'H-002')), nextAttemptAt: T + HOUR });
    expect(n3).toMatchObject({ status: 'sent', sentAt: T + 1 });
    expect(await store.noticeCounts(other.id)).toMatchObject({ failed: 1, pending: 0 });
  });
});

describe('the outage store on PostgreSQL, two nodes at once', () => {
  it('queues a round of notices queued by both, in any order, once', async () => {
    const { pool, other } = await pgTwoPools();
    const [a, b] = [createPgOutageStore(pool), createPgOutageStore(other)];
    const o = await a.insert(STOP);
    for (let revision = 0; revision < 10; revision++) {
      const round = (node: string) => ['H-001', 'H-002', 'H-003', 'H-004'].flatMap((h) => ['sms', 'voice'].map((channelId) => notice(`${node}-${revision}-${h}-${channelId}`, o.id, h, { revision, channelId })));
      const counts = await Promise.all([a.queueNotices(round('a')), b.queueNotices(round('b').reverse())]);
      expect(counts[0] + counts[1]).toBe(8);
    }
    expect(await a.noticeCounts(o.id)).toEqual({ sent: 0, failed: 0, pending: 80, firstSentAt: null });
  });

  it('hands each due notice to one of two nodes only', async () => {
    const { pool, other } = await pgTwoPools();
    const [a, b] = [createPgOutageStore(pool), createPgOutageStore(other)];
    const o = await a.insert(STOP);
    await a.queueNotices(Array.from({ length: 10 }, (_, i) => notice(`n-${i}`, o.id, `H-00${i}`)));
    const due = await b.dueNotices(T, 100);
    const claims = await Promise.all(due.flatMap((n) => [a, b].map((node) => node.claimNotice(n.id, n.nextAttemptAt, T + 25_000))));
    expect([due.length, claims.filter(Boolean).length]).toEqual([10, 10]);
  });
});
