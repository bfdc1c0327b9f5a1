import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dutyWorld, stubApi, type Request } from '../duty/duty-fixture.ts';
import AccountPanel from './AccountPanel.svelte';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const USERS = [
  { username: 'zhang', role: 'admin', displayName: '', createdAt: '2026-12-01T00:00:00.000Z', disabled: false },
  { username: 'li', role: 'engineer', displayName: '', createdAt: '2026-12-01T00:00:00.000Z', disabled: false },
];

async function fill(root: HTMLElement, current: string, next: string, repeat = next) {
  for (const [name, value] of [['current', current], ['new', next], ['repeat', repeat]] as const) {
    await fireEvent.input(root.querySelector<HTMLInputElement>(`[name="${name}"]`)!, { target: { value } });
  }
  await fireEvent.submit(root);
}

describe('account panel', () => {
  it('changes the password, saying in Chinese why a new one is refused and when the repeat differs', async () => {
    const requests = stubApi({
      'GET /api/users': () => [200, { users: USERS }],
      'POST /api/me/password': (req: Request) =>
        (req.body as { newPassword: string }).newPassword === 'short'
          ? [400, { error: { code: 'HW_WEAK_PASSWORD', message: 'password: at least 10 characters' } }]
          : [204, null],
    });
    const { session, i18n } = await dutyWorld('engineer');
    render(AccountPanel, { session, i18n, onClose: () => undefined });
    const form = screen.getByTestId('password-form');

    await fill(form, 'old-password-1', 'new-password-1', 'new-password-2');
    expect((await screen.findByTestId('password-outcome')).textContent).toContain('两次输入的新密码不一致');
    expect(requests.filter((r) => r.method === 'POST')).toEqual([]);

    await fill(form, 'old-password-1', 'short');
    await vi.waitFor(() => expect(screen.getByTestId('password-outcome').textContent).toContain('新密码不符合要求：至少 10 个字符'));

    await fill(form, 'old-password-1', 'new-password-1');
    await vi.waitFor(() => expect(screen.getByTestId('password-outcome').textContent).toContain('密码已修改'));
    expect(requests.at(-1)).toMatchObject({ method: 'POST', body: { currentPassword: 'old-password-1', newPassword: 'new-password-1' } });
    // Not an admin: no user list, no request for it.
    expect(screen.queryByTestId('user-list')).toBeNull();
    expect(requests.some((r) => r.url.includes('/api/users'))).toBe(false);
  });

  it('lets an admin disable another user, but not themselves', async () => {
    const requests = stubApi({
      'GET /api/users': () => [200, { users: USERS }],
      'POST /api/users/li/disable': () => [200, { ...USERS[1], disabled: true }],
    });
    const { session, i18n } = await dutyWorld('admin');
    render(AccountPanel, { session, i18n, onClose: () => undefined });
    const list = await screen.findByTestId('user-list');
    const li = await vi.waitFor(() => { const row = list.querySelector<HTMLElement>('[data-username="li"]'); if (!row) throw new Error(list.innerHTML); return row; });
    expect(within(list.querySelector<HTMLElement>('[data-username="zhang"]')!).queryByRole('button', { name: '停用' })).toBeNull();
    await fireEvent.click(within(li).getByRole('button', { name: '停用' }));
    await vi.waitFor(() => expect(li.textContent).toContain('已停用'));
    expect(within(li).getByTestId('user-toggle').textContent).toContain('启用');
    expect(requests.at(-1)).toMatchObject({ method: 'POST', url: expect.stringContaining('/api/users/li/disable') });
  });

  it('creates a user, saying in Chinese why a password or a login is refused, and lists the new one by name', async () => {
    const requests = stubApi({
      'GET /api/users': () => [200, { users: USERS }],
      'GET /api/users/names': () => [200, { users: [] }],
      'POST /api/users': (req: Request) => {
        const body = req.body as { username: string; password: string; displayName: string; role: string };
        if (body.password === 'short') return [400, { error: { code: 'HW_WEAK_PASSWORD', message: 'password: at least 10 characters' } }];
        if (body.username === 'li') return [409, { error: { code: 'HW_USER_EXISTS', message: 'taken' } }];
        return [201, { username: body.username, role: body.role, displayName: body.displayName, createdAt: '2026-12-05T00:00:00.000Z', disabled: false }];
      },
    });
    const { session, i18n } = await dutyWorld('admin');
    render(AccountPanel, { session, i18n, onClose: () => undefined });
    await fireEvent.click(await screen.findByTestId('user-new'));
    const form = screen.getByTestId('user-create');
    const fillNew = async (username: string, password: string) => {
      await fireEvent.input(form.querySelector<HTMLInputElement>('[name="username"]')!, { target: { value: username } });
      await fireEvent.input(form.querySelector<HTMLInputElement>('[name="displayName"]')!, { target: { value: ' 王丽 ' } });
      await fireEvent.input(form.querySelector<HTMLInputElement>('[name="password"]')!, { target: { value: password } });
      await fireEvent.submit(form);
    };
    await fillNew('wang.li', 'short');
    await vi.waitFor(() => expect(screen.getByTestId('user-outcome').textContent).toContain('新密码不符合要求：至少 10 个字符'));
    await fillNew('li', 'long-enough-password');
    await vi.waitFor(() => expect(screen.getByTestId('user-outcome').textContent).toContain('该登录名已存在'));
    await fillNew('wang.li', 'long-enough-password');
    const row = await vi.waitFor(() => { const r = screen.getByTestId('user-list').querySelector<HTMLElement>('[data-username="wang.li"]'); if (!r) throw new Error('not listed'); return r; });
    expect(row.textContent).toContain('王丽');
    expect(row.textContent).toContain('调度员');
    expect(screen.queryByTestId('user-create')).toBeNull();
    expect(requests.filter((r) => r.url === '/api/users' && r.method === 'POST').at(-1)).toMatchObject({ body: { username: 'wang.li', displayName: '王丽', role: 'dispatcher' } });
  });
});
