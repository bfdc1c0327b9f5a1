/**
 * One contract, two stores (issue 18): users and their login sessions as the auth service relies
 * on them, on SQLite (a file of its own) and PostgreSQL (a database of its own, migrated as a node
 * would). PostgreSQL also with two nodes on one account at once: one username is taken once, and
 * a session ended by two nodes together is reported ended by one of them.
 */
import { describe, expect, it } from 'vitest';
import { createPgUserStore } from '../ingest/adapters/postgres/pg-user-store.ts';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteUserStore } from '../ingest/adapters/sqlite/sqlite-user-store.ts';
import { DuplicateUserError, type UserStore } from '../ingest/ports/user-store.ts';
import { tempDir } from './support/heatwatch.ts';
import { pgPool, pgTwoPools } from './support/postgres.ts';

const T = Date.parse('2026-12-10T08:00:00+08:00');
const HOUR = 3_600_000;
const ZHAO = { username: 'zhao.gang', role: 'dispatcher', displayName: '赵刚' } as const;
const SUN = { username: 'sun.yue', role: 'engineer', displayName: '孙悦' } as const;

const adapters: [string, (clock: () => number) => Promise<UserStore>][] = [
  ['SQLite', async (clock) => createSqliteUserStore(openDatabase(tempDir()), clock)],
  ['PostgreSQL', async (clock) => createPgUserStore((await pgPool()).pool, clock)],
];

/** A store on a clock the test moves, with `sessions` opened for ZHAO (digests z1, z2…) valid for a day. */
async function withSessions(make: (clock: () => number) => Promise<UserStore>, sessions = 0) {
  const clock = { now: T };
  const store = await make(() => clock.now);
  await store.insert(ZHAO, 'hash-1');
  const digests = Array.from({ length: sessions }, (_, i) => `z${i + 1}`);
  for (const d of digests) await store.createSession({ tokenDigest: d, username: ZHAO.username, role: ZHAO.role, expiresAt: T + 24 * HOUR });
  return { store, clock, digests };
}

const sessionOf = (digest: string, expiresAt = T + 24 * HOUR) => ({ tokenDigest: digest, username: ZHAO.username, role: ZHAO.role, expiresAt });

describe.each(adapters)('the user store on %s', (_name, make) => {
  it('creates an account once, finds it with its hash, lists accounts in byte order of their names', async () => {
    const { store } = await withSessions(make);
    const zhao = { username: ZHAO.username, role: ZHAO.role, displayName: ZHAO.displayName, createdAt: new Date(T).toISOString(), disabled: false };
    expect(await store.find(ZHAO.username)).toEqual({ user: zhao, passwordHash: 'hash-1' });
    expect(await store.find('nobody')).toBeUndefined();
    const taken = store.insert({ ...ZHAO, role: 'admin' }, 'hash-2');
    await expect(taken).rejects.toBeInstanceOf(DuplicateUserError);
    await expect(taken).rejects.toMatchObject({ code: 'HW_USER_EXISTS', username: ZHAO.username });
    expect(await store.find(ZHAO.username)).toEqual({ user: zhao, passwordHash: 'hash-1' });
    expect(await store.insert(SUN, 'hash-3')).toMatchObject({ username: SUN.username, role: 'engineer', displayName: '孙悦', disabled: false });
    for (const username of ['b_c', 'Zoe', 'b-d', 'adam', 'b.a']) await store.insert({ username, role: 'viewer', displayName: '' }, 'h');
    expect((await store.list()).map((u) => u.username)).toEqual(['Zoe', 'adam', 'b-d', 'b.a', 'b_c', 'sun.yue', 'zhao.gang']);
  });

  it('lists no one in an empty store', async () => {
    expect(await (await make(() => T)).list()).toEqual([]);
  });

  it('upserts: creates, or replaces password and role (keeping name and state) and ends every session', async () => {
    const { store, clock } = await withSessions(make, 2);
    clock.now = T + HOUR;
    expect(await store.upsert({ ...ZHAO, role: 'admin', displayName: '别的名字' }, 'hash-2')).toEqual({
      username: ZHAO.username, role: 'admin', displayName: ZHAO.displayName, createdAt: new Date(T).toISOString(), disabled: false,
    });
    expect(await store.find(ZHAO.username)).toMatchObject({ passwordHash: 'hash-2' });
    expect(await store.findSession('z1', T)).toBeUndefined();
    expect(await store.findSession('z2', T)).toBeUndefined();
    expect(await store.upsert(SUN, 'hash-3')).toEqual({ ...SUN, createdAt: new Date(T + HOUR).toISOString(), disabled: false });
    await store.setDisabled(SUN.username, true);
    expect(await store.upsert(SUN, 'hash-4')).toMatchObject({ disabled: true });
  });

  it('finds a live session with the role of its account, not an expired one, not one of a disabled account', async () => {
    const { store } = await withSessions(make);
    await store.createSession(sessionOf('live'));
    await store.createSession(sessionOf('short', T + HOUR));
    expect(await store.findSession('live', T)).toEqual(sessionOf('live'));
    expect(await store.findSession('short', T + HOUR - 1)).toEqual(sessionOf('short', T + HOUR));
    expect(await store.findSession('short', T + HOUR)).toBeUndefined();
    expect(await store.findSession('unknown', T)).toBeUndefined();
    await store.replaceHash(ZHAO.username, 'hash-rehashed');
    expect(await store.findSession('live', T)).toEqual(sessionOf('live'));
    await store.update(ZHAO.username, { displayName: '赵 刚' });
    expect(await store.findSession('live', T)).toEqual(sessionOf('live'));
    await store.deleteSession('live');
    await store.deleteSession('live');
    expect(await store.findSession('live', T)).toBeUndefined();
  });

  it('refuses a session for an account that does not exist', async () => {
    const { store } = await withSessions(make);
    await expect(store.createSession({ ...sessionOf('ghost'), username: 'nobody' })).rejects.toThrow();
  });

  it('purges the sessions expired by then, and counts them', async () => {
    const { store } = await withSessions(make);
    await store.createSession(sessionOf('a', T + HOUR));
    await store.createSession(sessionOf('b', T + 2 * HOUR));
    await store.createSession(sessionOf('c', T + 3 * HOUR));
    expect(await store.purgeExpiredSessions(T)).toBe(0);
    expect(await store.purgeExpiredSessions(T + 2 * HOUR)).toBe(2);
    expect(await store.purgeExpiredSessions(T + 2 * HOUR)).toBe(0);
    expect(await store.findSession('c', T)).toEqual(sessionOf('c', T + 3 * HOUR));
  });

  it('replaces a password ending every session but the one kept, and says which it ended', async () => {
    const { store, digests } = await withSessions(make, 3);
    await store.insert(SUN, 'sun-hash');
    await store.createSession({ tokenDigest: 's1', username: SUN.username, role: SUN.role, expiresAt: T + HOUR });
    expect((await store.setPasswordHash(ZHAO.username, 'hash-2', 'z2')).sort()).toEqual(['z1', 'z3']);
    expect(await store.find(ZHAO.username)).toMatchObject({ passwordHash: 'hash-2' });
    expect(await store.findSession('z2', T)).toEqual(sessionOf('z2'));
    expect(await store.setPasswordHash(ZHAO.username, 'hash-3', 'z2')).toEqual([]);
    expect(await store.setPasswordHash(ZHAO.username, 'hash-4')).toEqual(['z2']);
    expect(await Promise.all(digests.map((d) => store.findSession(d, T)))).toEqual([undefined, undefined, undefined]);
    expect(await store.findSession('s1', T)).toMatchObject({ username: SUN.username });
    expect(await store.setPasswordHash('nobody', 'hash')).toEqual([]);
    expect(await store.find('nobody')).toBeUndefined();
  });

  it('rehashes a password without touching sessions', async () => {
    const { store } = await withSessions(make, 1);
    await store.replaceHash(ZHAO.username, 'hash-stronger');
    expect(await store.find(ZHAO.username)).toMatchObject({ passwordHash: 'hash-stronger', user: { disabled: false } });
    expect(await store.findSession('z1', T)).toEqual(sessionOf('z1'));
  });

  it('disables an account ending its sessions (once), and enables it without bringing them back', async () => {
    const { store } = await withSessions(make, 2);
    expect((await store.setDisabled(ZHAO.username, true)).sort()).toEqual(['z1', 'z2']);
    expect(await store.find(ZHAO.username)).toMatchObject({ user: { disabled: true }, passwordHash: 'hash-1' });
    expect(await store.setDisabled(ZHAO.username, true)).toEqual([]);
    expect((await store.list())[0]).toMatchObject({ username: ZHAO.username, disabled: true });
    await store.createSession(sessionOf('while-disabled'));
    expect(await store.findSession('while-disabled', T)).toBeUndefined();
    expect(await store.setDisabled(ZHAO.username, false)).toEqual([]);
    expect(await store.find(ZHAO.username)).toMatchObject({ user: { disabled: false } });
    expect(await store.findSession('z1', T)).toBeUndefined();
    expect(await store.findSession('while-disabled', T)).toEqual(sessionOf('while-disabled'));
    expect(await store.setDisabled(ZHAO.username, false)).toEqual([]);
    expect(await store.setDisabled('nobody', true)).toEqual([]);
  });

  it('renames keeping sessions; a new role ends them (once), the same role does not', async () => {
    const { store } = await withSessions(make, 2);
    expect(await store.update(ZHAO.username, { displayName: '赵 刚' })).toEqual([]);
    expect(await store.update(ZHAO.username, { role: ZHAO.role })).toEqual([]);
    expect(await store.findSession('z1', T)).toEqual(sessionOf('z1'));
    expect((await store.update(ZHAO.username, { displayName: '赵刚（班长）', role: 'admin' })).sort()).toEqual(['z1', 'z2']);
    expect(await store.find(ZHAO.username)).toMatchObject({ user: { displayName: '赵刚（班长）', role: 'admin' } });
    expect(await store.findSession('z2', T)).toBeUndefined();
    expect(await store.update(ZHAO.username, { role: 'admin' })).toEqual([]);
    expect(await store.update('nobody', { displayName: 'x', role: 'viewer' })).toEqual([]);
    expect(await store.find('nobody')).toBeUndefined();
  });
});

describe('the user store on PostgreSQL, two nodes at once', () => {
  async function twoNodes() {
    const { pool, other } = await pgTwoPools();
    return [createPgUserStore(pool, () => T), createPgUserStore(other, () => T)] as const;
  }

  it('creates a username on exactly one of two nodes', async () => {
    const [a, b] = await twoNodes();
    for (let i = 0; i < 10; i++) {
      const user = { username: `user-${i}`, role: 'viewer', displayName: '' } as const;
      const results = await Promise.allSettled([a.insert(user, 'a'), b.insert(user, 'b')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(DuplicateUserError);
    }
  });

  it('reports each ended session once when two nodes disable, or re-role, one account together', async () => {
    const [a, b] = await twoNodes();
    for (let i = 0; i < 5; i++) {
      const username = `user-${i}`;
      await a.insert({ username, role: 'viewer', displayName: '' }, 'h');
      const open = async () => {
        for (const d of ['x', 'y', 'z']) await a.createSession({ tokenDigest: `${username}-${d}`, username, role: 'viewer', expiresAt: T + HOUR });
      };
      await open();
      const disabled = await Promise.all([a.setDisabled(username, true), b.setDisabled(username, true)]);
      expect(disabled.flat().sort()).toEqual([`${username}-x`, `${username}-y`, `${username}-z`]);
      await a.setDisabled(username, false);
      await open();
      const reroled = await Promise.all([a.update(username, { role: 'engineer' }), b.update(username, { role: 'engineer' })]);
      expect(reroled.flat().sort()).toEqual([`${username}-x`, `${username}-y`, `${username}-z`]);
    }
  });
});
