/**
 * Issue 15, part 6: an admin manages the accounts from the dashboard — creates them, renames
 * them, changes their role, resets a lost password, disables them — and everyone signed in
 * reads who is who (timelines and the header show names, not logins). Against a real HeatWatch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User, UserName } from '../ingest/contracts/users.ts';
import { startWorld, type TestWorld } from './support/heatwatch.ts';

type Refusal = { error: { code: string; message: string } };

describe('the users screen', () => {
  let world: TestWorld;
  const login = async (username: string, password: string) => (await world.api<{ token?: string } & Partial<Refusal>>('POST', '/api/login', { username, password }, null));

  beforeAll(async () => {
    world = await startWorld();
    expect((await world.api('POST', '/api/users', { username: 'wang.li', password: 'wang-password-1', role: 'dispatcher', displayName: '王丽' })).status).toBe(201);
    expect((await world.api('POST', '/api/users', { username: 'zhao', password: 'zhao-password-1', role: 'engineer' })).status).toBe(201);
  });
  afterAll(() => world?.close());

  it('shows a signed-in person their own name', async () => {
    const { body: session } = await login('wang.li', 'wang-password-1');
    const me = await world.api<{ username: string; displayName: string; role: string }>('GET', '/api/me', undefined, session.token!);
    expect(me.body).toMatchObject({ username: 'wang.li', displayName: '王丽', role: 'dispatcher' });
  });

  it("gives every role everyone's name, and nothing else about them", async () => {
    const { body: session } = await login('zhao', 'zhao-password-1');
    const res = await world.api<{ users: UserName[] }>('GET', '/api/users/names', undefined, session.token!);
    expect(res.status).toBe(200);
    expect(res.body.users).toContainEqual({ username: 'wang.li', displayName: '王丽' });
    expect(res.body.users).toContainEqual({ username: 'admin', displayName: '管理员' });
    expect(Object.keys(res.body.users[0]!).sort()).toEqual(['displayName', 'username']);
  });

  it('renames a person; only an admin may', async () => {
    const renamed = await world.api<User>('PATCH', '/api/users/zhao', { displayName: '赵工' });
    expect(renamed).toMatchObject({ status: 200, body: { username: 'zhao', displayName: '赵工', role: 'engineer' } });
    const { body: session } = await login('wang.li', 'wang-password-1');
    expect((await world.api('PATCH', '/api/users/zhao', { displayName: '随便' }, session.token!)).status).toBe(403);
    expect((await world.api('PATCH', '/api/users/zhao', {})).status).toBe(400);
    expect((await world.api('PATCH', '/api/users/zhao', { displayName: 'x'.repeat(101) })).status).toBe(400);
    expect((await world.api('PATCH', '/api/users/nobody', { displayName: '无名' })).status).toBe(404);
  });

  it("changes a role, which ends that person's sessions so the old role is not kept", async () => {
    const { body: session } = await login('zhao', 'zhao-password-1');
    const changed = await world.api<User>('PATCH', '/api/users/zhao', { role: 'dispatcher' });
    expect(changed.body.role).toBe('dispatcher');
    expect((await world.api('GET', '/api/me', undefined, session.token!)).status).toBe(401);
    const { body: again } = await login('zhao', 'zhao-password-1');
    expect((await world.api<{ role: string }>('GET', '/api/me', undefined, again.token!)).body.role).toBe('dispatcher');
  });

  it('refuses to change its own role: an admin cannot lock the last admin out', async () => {
    const own = await world.api<Refusal>('PATCH', '/api/users/admin', { role: 'viewer' });
    expect(own).toMatchObject({ status: 409, body: { error: { code: 'HW_CONFLICT' } } });
    expect((await world.api<{ role: string }>('GET', '/api/me')).body.role).toBe('admin');
  });

  it('resets a lost password under the policy, ending the old sessions; the old password no longer works', async () => {
    const { body: old } = await login('wang.li', 'wang-password-1');
    const weak = await world.api<Refusal>('POST', '/api/users/wang.li/password', { newPassword: 'short' });
    expect(weak).toMatchObject({ status: 400, body: { error: { code: 'HW_WEAK_PASSWORD' } } });
    expect((await world.api('POST', '/api/users/wang.li/password', { newPassword: 'wang-new-password-2' })).status).toBe(200);
    expect((await world.api('GET', '/api/me', undefined, old.token!)).status).toBe(401);
    expect((await login('wang.li', 'wang-password-1')).status).toBe(401);
    expect((await login('wang.li', 'wang-new-password-2')).status).toBe(200);
    expect((await world.api('POST', '/api/users/nobody/password', { newPassword: 'wang-new-password-2' })).status).toBe(404);
  });

  it('lets no one but an admin reset a password', async () => {
    const { body: session } = await login('wang.li', 'wang-new-password-2');
    expect((await world.api('POST', '/api/users/zhao/password', { newPassword: 'taken-over-123' }, session.token!)).status).toBe(403);
    expect((await login('zhao', 'zhao-password-1')).status).toBe(200);
  });
});
