/**
 * One contract, two stores (issue 18): the alert store's behaviour as alerting relies on it, run
 * against SQLite (a file of its own) and PostgreSQL (a database of its own, migrated as a node
 * would). PostgreSQL also with two nodes at once: an episode planned by both pages once, a 派单
 * sent by both is delivered once, and both starting over plain channels seal them.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPgAlertStore } from '../ingest/adapters/postgres/pg-alert-store.ts';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteAlertStore } from '../ingest/adapters/sqlite/sqlite-alert-store.ts';
import type { AlertStore, Delivery, StoredChannel } from '../ingest/ports/alert-store.ts';
import { createSecretBox, type SecretBox } from '../ingest/security/secret-box.ts';
import { tempDir } from './support/heatwatch.ts';
import { pgPool, pgTwoPools } from './support/postgres.ts';

const T = Date.parse('2026-12-10T08:00:00+08:00');
const MIN = 60_000;
const ZHANG = { id: 'p-zhang', name: '张工', mobile: '13800000001' };
const HOOK: StoredChannel = { id: 'hook', name: '抢修群', config: { type: 'webhook', url: 'https://hooks.example/x', headers: { Authorization: 'Bearer hook-secret' } }, enabled: true, createdAt: T };

type NewDelivery = Omit<Delivery, 'status' | 'attempts' | 'lastError' | 'sentAt' | 'alertId'>;
const delivery = (id: string, ticketId: string, at: number, over: Partial<NewDelivery> = {}): NewDelivery => ({
  id,
  ticketId,
  kind: 'page',
  channelId: 'hook',
  recipients: [ZHANG],
  title: `工单 ${ticketId}`,
  text: '四号站供水温度低',
  nextAttemptAt: at,
  createdAt: at,
  ...over,
});

/** One database, its store (made again on it as a restarted node would), and its rows as stored. */
interface Rig {
  make(box?: SecretBox): Promise<AlertStore>;
  storedConfig(id: string): Promise<string | undefined>;
  /** A channel as a version before sealing stored it. */
  storePlain(c: StoredChannel): Promise<void>;
}

const PLAIN_INSERT = 'INSERT INTO alert_channels (id, name, config, enabled, created_at) VALUES';

const adapters: [string, () => Promise<Rig>][] = [
  [
    'SQLite',
    async () => {
      const db = openDatabase(tempDir());
      return {
        make: async (box) => createSqliteAlertStore(db, box),
        storedConfig: async (id) => (db.prepare('SELECT config FROM alert_channels WHERE id = ?').pluck().get(id) as string | undefined),
        storePlain: async (c) => void db.prepare(`${PLAIN_INSERT} (?, ?, ?, 1, ?)`).run(c.id, c.name, JSON.stringify(c.config), c.createdAt),
      };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const { pool } = await pgPool();
      return {
        make: (box) => createPgAlertStore(pool, box),
        storedConfig: async (id) => (await pool.query<{ config: string }>('SELECT config FROM alert_channels WHERE id = $1', [id])).rows[0]?.config,
        storePlain: async (c) => void (await pool.query(`${PLAIN_INSERT} ($1, $2, $3, 1, $4)`, [c.id, c.name, JSON.stringify(c.config), c.createdAt])),
      };
    },
  ],
];

describe.each(adapters)('the alert store on %s', (_name, rig) => {
  it('keeps settings as JSON, the last one put winning', async () => {
    const store = await (await rig()).make();
    expect(await store.setting('roster')).toBeUndefined();
    await store.putSetting('roster', { shifts: [], people: [ZHANG] }, T);
    await store.putSetting('policy', { pageAfterMin: 5 }, T);
    await store.putSetting('roster', { shifts: [{ from: '08:00' }], people: [] }, T + MIN);
    expect(await store.setting('roster')).toEqual({ shifts: [{ from: '08:00' }], people: [] });
    expect(await store.setting('policy')).toEqual({ pageAfterMin: 5 });
  });

  it('keeps channels by id, listed in id order, replaced by a second put that keeps the creation time', async () => {
    const store = await (await rig()).make();
    expect(await store.channels()).toEqual([]);
    const sms: StoredChannel = { id: 'SMS', name: '短信', config: { type: 'sms', key: 'k' }, enabled: false, createdAt: T + MIN };
    await store.putChannel(HOOK);
    await store.putChannel(sms);
    expect(await store.channels()).toEqual([sms, HOOK]);
    await store.putChannel({ ...HOOK, name: '值班群', config: { type: 'webhook', url: 'https://hooks.example/y' }, enabled: false, createdAt: T + 9 * MIN });
    expect((await store.channels())[1]).toEqual({ id: 'hook', name: '值班群', config: { type: 'webhook', url: 'https://hooks.example/y' }, enabled: false, createdAt: T });
    expect(await store.deleteChannel('hook')).toBe(true);
    expect(await store.deleteChannel('hook')).toBe(false);
    expect(await store.channels()).toEqual([sms]);
  });

  it('seals channel configs with a box, keeps them plain without one', async () => {
    const r = await rig();
    const box = createSecretBox(randomBytes(32));
    const sealed = await r.make(box);
    await sealed.putChannel(HOOK);
    expect(await r.storedConfig('hook')).toMatch(/^enc:v1:/);
    expect(await r.storedConfig('hook')).not.toContain('hook-secret');
    expect(await sealed.channels()).toEqual([HOOK]);
    expect(await (await r.make(box)).channels()).toEqual([HOOK]);

    const plain = await (await rig()).make();
    await plain.putChannel(HOOK);
    expect(await plain.channels()).toEqual([HOOK]);
  });

  it('seals at creation the channels an older version stored plain, and refuses to start with the wrong key', async () => {
    const r = await rig();
    await r.storePlain(HOOK);
    const box = createSecretBox(randomBytes(32));
    const store = await r.make(box);
    expect(await r.storedConfig('hook')).toMatch(/^enc:v1:/);
    expect(await store.channels()).toEqual([HOOK]);
    await expect(r.make(createSecretBox(randomBytes(32)))).rejects.toMatchObject({ code: 'HW_SECRETS_KEY' });
  });

  it('plans one alert of each kind per ticket: the first planned is kept', async () => {
    const store = await (await rig()).make();
    expect(await store.dueAlerts(T + 60 * MIN, 10)).toEqual([]);
    expect(await store.nextAlertAt()).toBeNull();
    await store.planAlerts('T-000001', [
      { kind: 'page', at: T },
      { kind: 'escalation', at: T + 30 * MIN },
      { kind: 'page', at: T + 5 * MIN },
    ]);
    await store.planAlerts('T-000001', [
      { kind: 'page', at: T + 10 * MIN },
      { kind: 'reminder', at: T + 20 * MIN },
    ]);
    await store.planAlerts('T-000002', [{ kind: 'page', at: T + 15 * MIN }]);
    await store.planAlerts('T-000003', []);
    const due = await store.dueAlerts(T + 60 * MIN, 10);
    expect(due.map(({ ticketId, kind, dueAt }) => ({ ticketId, kind, dueAt }))).toEqual([
      { ticketId: 'T-000001', kind: 'page', dueAt: T },
      { ticketId: 'T-000002', kind: 'page', dueAt: T + 15 * MIN },
      { ticketId: 'T-000001', kind: 'reminder', dueAt: T + 20 * MIN },
      { ticketId: 'T-000001', kind: 'escalation', dueAt: T + 30 * MIN },
    ]);
    expect(due.every((a) => typeof a.id === 'number')).toBe(true);
    expect((await store.dueAlerts(T + 15 * MIN, 10)).map((a) => a.dueAt)).toEqual([T, T + 15 * MIN]);
    expect((await store.dueAlerts(T + 60 * MIN, 1)).map((a) => a.dueAt)).toEqual([T]);
    expect(await store.nextAlertAt()).toBe(T);
  });

  it('resolves an alert with its deliveries, pending from their first attempt', async () => {
    const store = await (await rig()).make();
    await store.planAlerts('T-000001', [
      { kind: 'page', at: T },
      { kind: 'escalation', at: T + 30 * MIN },
    ]);
    const [page, escalation] = await store.dueAlerts(T + 60 * MIN, 10);
    await store.resolveAlert(page!.id, 'done', [delivery('d-1', 'T-000001', T + MIN), delivery('d-2', 'T-000001', T + MIN, { channelId: 'sms', recipients: [{ name: '李工' }] })]);
    expect(await store.dueAlerts(T + 60 * MIN, 10)).toEqual([escalation]);
    expect(await store.nextAlertAt()).toBe(T + 30 * MIN);
    expect(await store.deliveriesFor('T-000001')).toEqual([
      { ...delivery('d-1', 'T-000001', T + MIN), alertId: page!.id, status: 'pending', attempts: 0, lastError: null, sentAt: null },
      { ...delivery('d-2', 'T-000001', T + MIN, { channelId: 'sms', recipients: [{ name: '李工' }] }), alertId: page!.id, status: 'pending', attempts: 0, lastError: null, sentAt: null },
    ]);
    await store.resolveAlert(escalation!.id, 'cancelled', []);
    expect(await store.dueAlerts(T + 60 * MIN, 10)).toEqual([]);
    expect(await store.nextAlertAt()).toBeNull();
    expect(await store.deliveriesFor('T-000001')).toHaveLength(2);
  });

  it('resolves an alert and stores its deliveries together or not at all', async () => {
    const store = await (await rig()).make();
    await store.planAlerts('T-000001', [{ kind: 'page', at: T }]);
    const [page] = await store.dueAlerts(T, 10);
    await expect(store.resolveAlert(page!.id, 'done', [delivery('d-1', 'T-000001', T), delivery('d-1', 'T-000001', T)])).rejects.toThrow();
    expect(await store.dueAlerts(T, 10)).toEqual([page]);
    expect(await store.deliveriesFor('T-000001')).toEqual([]);
  });

  it('hands out due deliveries in attempt order, and records each attempt', async () => {
    const store = await (await rig()).make();
    expect(await store.dueDeliveries(T, 10)).toEqual([]);
    expect(await store.nextDeliveryAt()).toBeNull();
    await store.planAlerts('T-000001', [{ kind: 'page', at: T }]);
    await store.planAlerts('T-000002', [{ kind: 'page', at: T + 1 }]);
    const [a, b] = await store.dueAlerts(T + 1, 10);
    await store.resolveAlert(a!.id, 'done', [delivery('d-3', a!.ticketId, T + 2 * MIN), delivery('d-1', a!.ticketId, T)]);
    await store.resolveAlert(b!.id, 'done', [delivery('d-2', b!.ticketId, T + MIN)]);
    expect((await store.dueDeliveries(T + 5 * MIN, 10)).map((d) => d.id)).toEqual(['d-1', 'd-2', 'd-3']);
    expect((await store.dueDeliveries(T + MIN, 10)).map((d) => d.id)).toEqual(['d-1', 'd-2']);
    expect((await store.dueDeliveries(T + 5 * MIN, 2)).map((d) => d.id)).toEqual(['d-1', 'd-2']);
    expect(await store.nextDeliveryAt()).toBe(T);

    const [d1, d2, d3] = await store.dueDeliveries(T + 5 * MIN, 10);
    await store.updateDelivery({ ...d1!, status: 'sent', attempts: 1, sentAt: T + 10_000 });
    await store.updateDelivery({ ...d2!, attempts: 1, nextAttemptAt: T + 9 * MIN, lastError: 'HTTP 502' });
    await store.updateDelivery({ ...d3!, status: 'failed', attempts: 5, lastError: 'timeout' });
    expect((await store.dueDeliveries(T + 5 * MIN, 10)).map((d) => d.id)).toEqual([]);
    expect(await store.nextDeliveryAt()).toBe(T + 9 * MIN);
    expect(await store.dueDeliveries(T + 9 * MIN, 10)).toEqual([{ ...d2, attempts: 1, nextAttemptAt: T + 9 * MIN, lastError: 'HTTP 502' }]);
    expect(await store.deliveriesFor('T-000001')).toEqual([
      { ...d1, status: 'sent', attempts: 1, sentAt: T + 10_000 },
      { ...d3, status: 'failed', attempts: 5, lastError: 'timeout' },
    ]);
    expect(await store.deliveriesFor('T-000009')).toEqual([]);
  });

  it('resolves an alert once: a second resolution is refused and stores nothing', async () => {
    const store = await (await rig()).make();
    await store.planAlerts('T-000001', [{ kind: 'page', at: T }]);
    const [page] = await store.dueAlerts(T, 10);
    expect(await store.resolveAlert(page!.id, 'done', [delivery('d-1', 'T-000001', T)])).toBe(true);
    expect(await store.resolveAlert(page!.id, 'done', [delivery('d-2', 'T-000001', T)])).toBe(false);
    expect(await store.resolveAlert(page!.id, 'cancelled', [])).toBe(false);
    expect((await store.deliveriesFor('T-000001')).map((d) => [d.id, d.status])).toEqual([['d-1', 'pending']]);
  });

  it('lets one claim a due delivery for an attempt, and leaves it due again when the claim runs out', async () => {
    const store = await (await rig()).make();
    await store.planAlerts('T-000001', [{ kind: 'page', at: T }]);
    const [page] = await store.dueAlerts(T, 10);
    await store.resolveAlert(page!.id, 'done', [delivery('d-1', 'T-000001', T)]);
    const [due] = await store.dueDeliveries(T, 10);
    expect(await store.claimDelivery(due!.id, due!.nextAttemptAt, T + 25_000)).toBe(true);
    // Read before the claim: someone else's claim on the same reading is refused.
    expect(await store.claimDelivery(due!.id, due!.nextAttemptAt, T + 25_000)).toBe(false);
    expect(await store.dueDeliveries(T + 24_999, 10)).toEqual([]);
    expect(await store.nextDeliveryAt()).toBe(T + 25_000);
    // The claimer died while sending: the delivery is due again once the claim runs out.
    const [again] = await store.dueDeliveries(T + 25_000, 10);
    expect(again).toMatchObject({ id: 'd-1', status: 'pending', attempts: 0, nextAttemptAt: T + 25_000 });
    await store.updateDelivery({ ...again!, status: 'sent', attempts: 1, sentAt: T + 26_000 });
    expect(await store.claimDelivery('d-1', T + 25_000, T + 50_000)).toBe(false);
  });

  it('lists a ticket’s deliveries by creation time, then id', async () => {
    const store = await (await rig()).make();
    await store.planAlerts('T-000001', [{ kind: 'page', at: T }]);
    const [page] = await store.dueAlerts(T, 10);
    await store.resolveAlert(page!.id, 'done', [delivery('d-b', 'T-000001', T + MIN), delivery('d-c', 'T-000001', T), delivery('d-a', 'T-000001', T + MIN)]);
    expect((await store.deliveriesFor('T-000001')).map((d) => d.id)).toEqual(['d-c', 'd-a', 'd-b']);
  });

  it('sends now under a key used once per ticket, its alert handled at once', async () => {
    const store = await (await rig()).make();
    const first = delivery('d-1', 'T-000001', T, { kind: 'assignment' });
    await store.sendNow('T-000001', 'assignment:1', T, [first]);
    expect(await store.dueAlerts(T + 60 * MIN, 10)).toEqual([]);
    expect(await store.nextAlertAt()).toBeNull();
    const [stored] = await store.deliveriesFor('T-000001');
    expect(stored).toEqual({ ...first, alertId: stored!.alertId, status: 'pending', attempts: 0, lastError: null, sentAt: null });
    expect(await store.dueDeliveries(T, 10)).toEqual([stored]);

    await expect(store.sendNow('T-000001', 'assignment:1', T + MIN, [delivery('d-2', 'T-000001', T + MIN, { kind: 'assignment' })])).rejects.toThrow();
    expect((await store.deliveriesFor('T-000001')).map((d) => d.id)).toEqual(['d-1']);
    await store.sendNow('T-000001', 'assignment:2', T + MIN, [delivery('d-3', 'T-000001', T + MIN, { kind: 'assignment' })]);
    await store.sendNow('T-000002', 'assignment:1', T + MIN, []);
    expect((await store.deliveriesFor('T-000001')).map((d) => d.id)).toEqual(['d-1', 'd-3']);
  });
});

describe('the alert store on PostgreSQL, two nodes at once', () => {
  const twoNodes = async () => {
    const { pool, other } = await pgTwoPools();
    return { pool, other };
  };

  it('plans one alert of each kind when both plan the same episode, in any order', async () => {
    const { pool, other } = await twoNodes();
    const [a, b] = await Promise.all([createPgAlertStore(pool), createPgAlertStore(other)]);
    const plan = [
      { kind: 'page' as const, at: T },
      { kind: 'escalation' as const, at: T + 30 * MIN },
      { kind: 'reminder' as const, at: T + 20 * MIN },
    ];
    for (let i = 0; i < 10; i++) await Promise.all([a.planAlerts(`T-${i}`, plan), b.planAlerts(`T-${i}`, [...plan].reverse())]);
    const due = await a.dueAlerts(T + 60 * MIN, 100);
    expect(due).toHaveLength(30);
    expect(new Set(due.map((x) => `${x.ticketId} ${x.kind}`)).size).toBe(30);
  });

  it('delivers a 派单 sent by both under one key once', async () => {
    const { pool, other } = await twoNodes();
    const [a, b] = await Promise.all([createPgAlertStore(pool), createPgAlertStore(other)]);
    for (let i = 0; i < 10; i++) {
      const ticket = `T-${i}`;
      const results = await Promise.allSettled([
        a.sendNow(ticket, 'assignment:x', T, [delivery(`a-${i}-1`, ticket, T, { kind: 'assignment' }), delivery(`a-${i}-2`, ticket, T, { kind: 'assignment' })]),
        b.sendNow(ticket, 'assignment:x', T, [delivery(`b-${i}-1`, ticket, T, { kind: 'assignment' }), delivery(`b-${i}-2`, ticket, T, { kind: 'assignment' })]),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const ids = (await a.deliveriesFor(ticket)).map((d) => d.id[0]);
      expect(ids).toHaveLength(2);
      expect(new Set(ids).size).toBe(1);
    }
  });

  it('hands each due alert and each delivery to one of two nodes only', async () => {
    const { pool, other } = await twoNodes();
    const [a, b] = await Promise.all([createPgAlertStore(pool), createPgAlertStore(other)]);
    for (let i = 0; i < 10; i++) await a.planAlerts(`T-${i}`, [{ kind: 'page', at: T }]);
    const due = await a.dueAlerts(T, 100);
    const resolved = await Promise.all(due.flatMap((x) => [a, b].map((node, n) => node.resolveAlert(x.id, 'done', [delivery(`${n}-${x.ticketId}`, x.ticketId, T)]))));
    expect(resolved.filter(Boolean)).toHaveLength(10);
    const deliveries = await b.dueDeliveries(T, 100);
    expect(deliveries).toHaveLength(10);
    const claims = await Promise.all(deliveries.flatMap((d) => [a, b].map((node) => node.claimDelivery(d.id, d.nextAttemptAt, T + 25_000))));
    expect(claims.filter(Boolean)).toHaveLength(10);
  });

  it('seals plain channels when both start at once, and both read them', async () => {
    const { pool, other } = await twoNodes();
    await pool.query('INSERT INTO alert_channels (id, name, config, enabled, created_at) VALUES ($1, $2, $3, 1, $4)', [HOOK.id, HOOK.name, JSON.stringify(HOOK.config), HOOK.createdAt]);
    const box = createSecretBox(randomBytes(32));
    const [a, b] = await Promise.all([createPgAlertStore(pool, box), createPgAlertStore(other, box)]);
    expect((await pool.query<{ config: string }>('SELECT config FROM alert_channels')).rows[0]!.config).toMatch(/^enc:v1:/);
    expect(await a.channels()).toEqual([HOOK]);
    expect(await b.channels()).toEqual([HOOK]);
  });
});
