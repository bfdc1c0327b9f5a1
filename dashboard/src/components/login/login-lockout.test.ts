/** The login form tells a locked account from a busy address, and says how long to wait. */
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { Session } from '../../lib/session/session.svelte.ts';
import LoginForm from './LoginForm.svelte';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function answerLogin(status: number, code: string, headers: Record<string, string> = {}) {
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { code, message: 'refused' } }), { status, headers }));
}

async function signIn(username: string, password: string) {
  const form = screen.getByTestId('login-form');
  await fireEvent.input(form.querySelector<HTMLInputElement>('[name="username"]')!, { target: { value: username } });
  await fireEvent.input(form.querySelector<HTMLInputElement>('[name="password"]')!, { target: { value: password } });
  await fireEvent.submit(form);
}

describe('login form, refused', () => {
  it('says for how many minutes a locked account waits (Retry-After)', async () => {
    answerLogin(429, 'HW_ACCOUNT_LOCKED', { 'retry-after': '240' });
    render(LoginForm, { session: new Session(null), i18n: new I18n(null) });
    await signIn('li', 'li-password-1');
    expect((await screen.findByRole('alert')).textContent).toBe('密码错误次数过多，账户已暂时锁定，请 4 分钟后再试');
  });

  it('keeps the general message when the address sends too many logins', async () => {
    answerLogin(429, 'HW_RATE_LIMITED', { 'retry-after': '60' });
    render(LoginForm, { session: new Session(null), i18n: new I18n(null) });
    await signIn('li', 'li-password-1');
    expect((await screen.findByRole('alert')).textContent).toBe('尝试次数过多，请稍后再试');
  });
});
