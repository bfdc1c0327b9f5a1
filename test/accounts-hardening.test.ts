/**
 * Issue 11, item 4, second pass: the attacks on accounts that the first pass let through, each
 * against a real HeatWatch (Fastify on a port, its SQLite file) — guesses sent all at once,
 * guesses through the password change, a spray of names that makes the lockout forget, the
 * scrypt cost, password hashes holding every libuv thread — and the per-address limit with and
 * without HEATWATCH_TRUST_PROXY.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { io as connectSocket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteUserStore } from '../ingest/adapters/sqlite/sqlite-user-store.ts';
import { createLoginLockout } from '../ingest/core/accounts/login-lockout.ts';
import { DEVICE_SECRET_COST, PASSWORD_COST, hashSecret, verifySecret } from '../ingest/security/secrets.ts';
import { createAuthService } from '../ingest/services/auth-service.ts';
import { startWorld, tempDir, type TestWorld } from './support/heatwatch.ts';

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { token?: string; error?: { code: string; message: string } };
}

/** A request as a client behind a proxy makes it: the proxy adds X-Forwarded-For. */
async function send(world: TestWorld, url: string, body: unknown, { from, token }: { from?: string; token?: string } = {}): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${world.app.httpPort}${url}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(from ? { 'x-forwarded-for': from } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: text ? JSON.parse(text) : {} };
}

const codes = (answers: Answer[]) => answers.map((a) => a.body.error?.code ?? String(a.status));
const count = (list: string[], value: string) => list.filter((v) => v === value).length;

describe('guesses sent all at once, from many addresses behind the proxy', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await startWorld({ HEATWATCH_TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => world?.close());

  it('still get five tries, not one per request that arrived before the fifth answer', async () => {
    expect((await world.api('POST', '/api/users', { username: 'feng', password: 'feng-password-1', role: 'viewer' })).status).toBe(201);
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => send(world, '/api/login', { username: 'feng', password: `guess-${i}-abcdef` }, { from: `203.0.113.${i + 1}` })));
    expect(count(codes(guesses), 'HW_BAD_CREDENTIALS')).toBe(5);
    expect(count(codes(guesses), 'HW_ACCOUNT_LOCKED')).toBe(25);
    const right = await send(world, '/api/login', { username: 'feng', password: 'feng-password-1' }, { from: '198.51.100.1' });
    expect(right).toMatchObject({ status: 429, retryAfter: '60', body: { error: { code: 'HW_ACCOUNT_LOCKED' } } });
  });
});

describe('the current password of a password change', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world?.close());

  it('counts toward the lockout: a stolen session cannot guess it without end', async () => {
    expect((await world.api('POST', '/api/users', { username: 'chen', password: 'chen-password-1', role: 'engineer' })).status).toBe(201);
    const token = (await send(world, '/api/login', { username: 'chen', password: 'chen-password-1' })).body.token!;
    for (let i = 0; i < 5; i++) {
      const wrong = await send(world, '/api/me/password', { currentPassword: `guess-${i}-abcdef`, newPassword: 'taken-over-123' }, { token });
      expect(wrong.body.error?.code).toBe('HW_BAD_CREDENTIALS');
    }
    const right = await send(world, '/api/me/password', { currentPassword: 'chen-password-1', newPassword: 'taken-over-123' }, { token });
    expect(right).toMatchObject({ status: 429, retryAfter: '60', body: { error: { code: 'HW_ACCOUNT_LOCKED' } } });
    expect((await send(world, '/api/login', { username: 'chen', password: 'chen-password-1' })).body.error?.code).toBe('HW_ACCOUNT_LOCKED');
    // The session itself is not ended by the lockout: only guessing stops.
    expect((await world.api('GET', '/api/me', undefined, token)).status).toBe(200);
  });
});

describe('the lockout under a spray of names', () => {
  it('keeps a locked account locked, and its backoff, however many other names fail', () => {
    let now = Date.parse('2026-12-05T08:00:00+08:00');
    const lockout = createLoginLockout();
    for (let i = 0; i < 5; i++) lockout.failed('admin', now);
    expect(lockout.lockedFor('admin', now)).toBe(60_000);
    // One wrong password each for more names than the lockout remembers.
    for (let i = 0; i < 10_001; i++) lockout.failed(`spray-${i}`, now);
    expect(lockout.lockedFor('admin', now)).toBe(60_000);

    now += 60_000;
    for (let i = 0; i < 10_001; i++) lockout.failed(`again-${i}`, now);
    for (let i = 0; i < 5; i++) lockout.failed('admin', now);
    expect(lockout.lockedFor('admin', now)).toBe(120_000);
  });
});

describe('password hashes', () => {
  let world: TestWorld;
  let db: Database.Database;
  beforeAll(async () => {
    world = await startWorld();
    db = new Database(path.join(world.dataDir, 'heatwatch.db'));
  });
  afterAll(async () => {
    db?.close();
    await world?.close();
  });
  const hashOf = (username: string) => (db.prepare('SELECT password_hash FROM users WHERE username = ?').get(username) as { password_hash: string }).password_hash;

  it("are made at OWASP's scrypt cost, N=2^17, r=8, p=1", async () => {
    expect((await world.api('POST', '/api/users', { username: 'jiang', password: 'jiang-password-1', role: 'viewer' })).status).toBe(201);
    expect(hashOf('jiang')).toMatch(/^scrypt\$131072\$8\$1\$/);
  });

  it('of the earlier cost (N=2^14, r=8, p=5) still log in, and are made again at the new one', async () => {
    expect((await world.api('POST', '/api/users', { username: 'yang', password: 'yang-password-1', role: 'viewer' })).status).toBe(201);
    db.prepare('UPDATE users SET password_hash = ? WHERE username = ?').run(await hashSecret('yang-password-1', { N: 16384, r: 8, p: 5 }), 'yang');
    expect((await send(world, '/api/login', { username: 'yang', password: 'yang-password-1' })).status).toBe(200);
    expect(hashOf('yang')).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await send(world, '/api/login', { username: 'yang', password: 'yang-password-1' })).status).toBe(200);
  });

  it('made again at login cannot undo a password change sent at the same moment', async () => {
    const users = createSqliteUserStore(openDatabase(tempDir()));
    await users.insert({ username: 'xu', role: 'viewer', displayName: '' }, await hashSecret('xu-old-password', { N: 16384, r: 8, p: 1 }));
    const auth = createAuthService({ users, tokenTtlMs: 3_600_000 });
    const session = await auth.login('xu', 'xu-old-password');
    await users.replaceHash('xu', await hashSecret('xu-old-password', { N: 16384, r: 8, p: 1 }));
    // The login re-hashes the old password while the change writes the new one.
    await Promise.all([auth.login('xu', 'xu-old-password'), auth.changePassword((await auth.verify(session.token))!, 'xu-old-password', 'xu-new-password')]);
    await expect(auth.login('xu', 'xu-new-password')).resolves.toMatchObject({ user: { username: 'xu' } });
  });

  it('leave libuv threads free: a device login is answered while four password hashes run', async () => {
    const deviceHash = await hashSecret('device-secret', DEVICE_SECRET_COST);
    const order: string[] = [];
    const passwords = Array.from({ length: 4 }, (_, i) => hashSecret(`password-${i}-abcdef`, PASSWORD_COST).then(() => order.push(`password ${i}`)));
    const device = verifySecret('device-secret', deviceHash).then((ok) => order.push(`device ${ok}`));
    await Promise.all([...passwords, device]);
    expect(order[0]).toBe('device true');
  });
});

describe('the per-address login limit', () => {
  let world: TestWorld;
  afterEach(() => world?.close());

  it('without a proxy, is not reset by a forged X-Forwarded-For', async () => {
    world = await startWorld();
    // The world's own admin login was the first of the 20 this address may send a minute.
    const answers: Answer[] = [];
    for (let i = 0; i < 20; i++) answers.push(await send(world, '/api/login', {}, { from: `203.0.113.${i + 1}` }));
    expect(codes(answers)).toEqual([...Array(19).fill('HW_BAD_REQUEST'), 'HW_RATE_LIMITED']);
    expect(Number(answers[19]!.retryAfter)).toBeGreaterThan(0);
  });

  it('behind a proxy (HEATWATCH_TRUST_PROXY), holds back the client that floods, not the others', async () => {
    world = await startWorld({ HEATWATCH_TRUST_PROXY: '127.0.0.1' });
    expect((await world.api('POST', '/api/users', { username: 'lin', password: 'lin-password-1', role: 'viewer' })).status).toBe(201);
    const flood: Answer[] = [];
    for (let i = 0; i < 21; i++) flood.push(await send(world, '/api/login', {}, { from: '203.0.113.7' }));
    expect(codes(flood)).toEqual([...Array(20).fill('HW_BAD_REQUEST'), 'HW_RATE_LIMITED']);
    const other = await send(world, '/api/login', { username: 'lin', password: 'lin-password-1' }, { from: '198.51.100.4' });
    expect(other.status).toBe(200);
  });
  it('is what HEATWATCH_LOGINS_PER_MINUTE says: a shift signing in from one address gets through', async () => {
    world = await startWorld({ HEATWATCH_LOGINS_PER_MINUTE: '40' });
    const answers: Answer[] = [];
    for (let i = 0; i < 40; i++) answers.push(await send(world, '/api/login', {}));
    // The world's own admin login was the first of the 40.
    expect(codes(answers)).toEqual([...Array(39).fill('HW_BAD_REQUEST'), 'HW_RATE_LIMITED']);
  });
});

describe('disabling an account', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world?.close());

  it("closes the account's live connections at once", async () => {
    expect((await world.api('POST', '/api/users', { username: 'song', password: 'song-password-1', role: 'viewer' })).status).toBe(201);
    const token = (await send(world, '/api/login', { username: 'song', password: 'song-password-1' })).body.token!;
    const socket = connectSocket(`http://127.0.0.1:${world.app.httpPort}`, { auth: { token }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const told = new Promise<void>((resolve) => socket.once('session_expired', () => resolve()));
    const gone = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    expect((await world.api('POST', '/api/users/song/disable', {})).status).toBe(200);
    await told;
    expect(await gone).toBe('io server disconnect');
  });
});
