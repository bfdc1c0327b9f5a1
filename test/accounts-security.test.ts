/**
 * Issue 11, item 4: accounts. Against a real HeatWatch (Fastify on a port, a SQLite file): the
 * password policy everywhere a password is set, the per-account lockout with its backoff (on an
 * injected clock), changing one's own password, an admin disabling an account, and password
 * hashes made again at today's cost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteUserStore } from '../ingest/adapters/sqlite/sqlite-user-store.ts';
import { ConfigError, loadConfig } from '../ingest/config/config.ts';
import { PASSWORD_COST, hashCostIs, hashSecret } from '../ingest/security/secrets.ts';
import { createAuthService } from '../ingest/services/auth-service.ts';
import { startWorld, tempDir, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

const login = (username: string, password: string) => world.api<{ token: string; error?: { code: string } }>('POST', '/api/login', { username, password }, null);

describe('the password policy', () => {
  it.each([
    ['short', 'at least 10 characters'],
    ['zzzzzzzzzzzz', 'not one character repeated'],
    ['Password123', 'not a commonly used password'],
    ['zhou-engineer', 'not the user name'],
  ])('refuses %s for a new user (%s)', async (password, reason) => {
    const res = await world.api<{ error: { code: string; message: string } }>('POST', '/api/users', { username: 'zhou-engineer', password, role: 'engineer' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'HW_WEAK_PASSWORD' });
    expect(res.body.error.message).toContain(reason);
  });

  it('applies to HEATWATCH_ADMIN_PASSWORD too', () => {
    expect(() => loadConfig({ HEATWATCH_ADMIN_PASSWORD: 'admin12345' })).toThrow(ConfigError);
    expect(() => loadConfig({ HEATWATCH_ADMIN_PASSWORD: 'admin' })).toThrow(/at least 10 characters/);
    expect(loadConfig({ HEATWATCH_ADMIN_PASSWORD: 'Zoucheng-winter-2026' }).adminPassword).toBe('Zoucheng-winter-2026');
  });
});

describe('changing my own password', () => {
  it('needs the current one and a good new one, ends my other sessions and keeps this one', async () => {
    expect((await world.api('POST', '/api/users', { username: 'wu', password: 'wu-first-password', role: 'dispatcher' })).status).toBe(201);
    const here = (await login('wu', 'wu-first-password')).body.token;
    const phone = (await login('wu', 'wu-first-password')).body.token;
    const change = (body: unknown) => world.api<{ error?: { code: string } }>('POST', '/api/me/password', body, here);

    expect((await change({ currentPassword: 'not-my-password', newPassword: 'wu-second-password' })).body.error?.code).toBe('HW_BAD_CREDENTIALS');
    expect((await change({ currentPassword: 'wu-first-password', newPassword: 'short' })).body.error?.code).toBe('HW_WEAK_PASSWORD');
    expect((await change({ currentPassword: 'wu-first-password', newPassword: 'wu-second-password' })).status).toBe(204);

    expect((await world.api('GET', '/api/me', undefined, here)).status).toBe(200);
    expect((await world.api('GET', '/api/me', undefined, phone)).status).toBe(401);
    expect((await login('wu', 'wu-first-password')).status).toBe(401);
    expect((await login('wu', 'wu-second-password')).status).toBe(200);
  });
});

describe('an admin disabling an account', () => {
  it('ends its sessions at once, refuses its logins, and can enable it again', async () => {
    expect((await world.api('POST', '/api/users', { username: 'zhao', password: 'zhao-password-1', role: 'engineer' })).status).toBe(201);
    const token = (await login('zhao', 'zhao-password-1')).body.token;
    const off = await world.api<{ disabled: boolean }>('POST', '/api/users/zhao/disable', {});
    expect(off.body.disabled).toBe(true);
    expect((await world.api('GET', '/api/me', undefined, token)).status).toBe(401);
    const refused = await login('zhao', 'zhao-password-1');
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'HW_ACCOUNT_DISABLED' } } });
    expect((await world.api<{ users: { username: string; disabled: boolean }[] }>('GET', '/api/users')).body.users.find((u) => u.username === 'zhao')?.disabled).toBe(true);

    expect((await world.api('POST', '/api/users/zhao/enable', {})).status).toBe(200);
    expect((await login('zhao', 'zhao-password-1')).status).toBe(200);
  });

  it('refuses to disable oneself or the last enabled admin, and takes the role check first', async () => {
    expect((await world.api('POST', '/api/users/admin/disable', {})).status).toBe(409);
    expect((await world.api('POST', '/api/users/nobody/disable', {})).status).toBe(404);
    const dispatcher = (await login('wu', 'wu-second-password')).body.token;
    expect((await world.api('POST', '/api/users/zhao/disable', {}, dispatcher)).status).toBe(403);
  });
});

describe('lockout', () => {
  it('locks an account after five wrong passwords, even for the right one, and says when to come back', async () => {
    expect((await world.api('POST', '/api/users', { username: 'qian', password: 'qian-password-1', role: 'viewer' })).status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await login('qian', 'guess-number-' + i)).status).toBe(401);
    const locked = await world.api<{ error: { code: string } }>('POST', '/api/login', { username: 'qian', password: 'qian-password-1' }, null);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('HW_ACCOUNT_LOCKED');
    // Another account is not affected.
    expect((await login('zhao', 'zhao-password-1')).status).toBe(200);
  });

  it('lasts a minute, then twice as long each time, and a success resets it (injected clock)', async () => {
    let now = Date.parse('2026-12-05T08:00:00+08:00');
    const users = createSqliteUserStore(openDatabase(tempDir()), () => now);
    const auth = createAuthService({ users, tokenTtlMs: 3_600_000, clock: () => now });
    await auth.createUser({ username: 'sun', password: 'sun-password-1', role: 'viewer', displayName: '' });
    const fail5 = async () => {
      for (let i = 0; i < 5; i++) await expect(auth.login('sun', 'wrong-password')).rejects.toMatchObject({ code: 'HW_BAD_CREDENTIALS' });
    };
    await fail5();
    await expect(auth.login('sun', 'sun-password-1')).rejects.toMatchObject({ code: 'HW_ACCOUNT_LOCKED', retryAfterSec: 60 });
    now += 60_000;
    await fail5();
    await expect(auth.login('sun', 'sun-password-1')).rejects.toMatchObject({ code: 'HW_ACCOUNT_LOCKED', retryAfterSec: 120 });
    now += 120_000;
    await expect(auth.login('sun', 'sun-password-1')).resolves.toMatchObject({ user: { username: 'sun' } });
    // After a success the next lockout starts again at a minute.
    await fail5();
    await expect(auth.login('sun', 'sun-password-1')).rejects.toMatchObject({ retryAfterSec: 60 });
  });
});

describe('password hashes', () => {
  it("are made again at today's cost when someone logs in with a hash of an older one", async () => {
    const users = createSqliteUserStore(openDatabase(tempDir()));
    await users.insert({ username: 'old', role: 'viewer', displayName: '' }, await hashSecret('old-password-1', { N: 16384, r: 8, p: 1 }));
    const auth = createAuthService({ users, tokenTtlMs: 3_600_000 });
    expect(hashCostIs((await users.find('old'))!.passwordHash, PASSWORD_COST)).toBe(false);
    await auth.login('old', 'old-password-1');
    expect(hashCostIs((await users.find('old'))!.passwordHash, PASSWORD_COST)).toBe(true);
    await expect(auth.login('old', 'old-password-1')).resolves.toMatchObject({ user: { username: 'old' } });
  });
});
