/**
 * The account panel when the server refuses a password change: a wrong current password is a
 * message in the panel, not the end of the login; a locked account says for how long.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { Session } from '../../lib/session/session.svelte.ts';
import AccountPanel from './AccountPanel.svelte';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The server's answer to POST /api/me/password, with its headers as HeatWatch sends them. */
function answerPasswordChange(status: number, code: string, headers: Record<string, string> = {}) {
  vi.stubGlobal('fetch', async (url: string) => {
    if (url === '/api/me/password') return new Response(JSON.stringify({ error: { code, message: 'refused' } }), { status, headers });
    return new Response(JSON.stringify({ error: { code: 'HW_NOT_FOUND', message: url } }), { status: 404 });
  });
}

function signedIn(): Session {
  const session = new Session(null);
  session.token = 'token-of-li';
  session.user = { username: 'li', role: 'engineer', displayName: '李' };
  return session;
}

async function change(current: string, next: string) {
  const form = screen.getByTestId('password-form');
  for (const [name, value] of [['current', current], ['new', next], ['repeat', next]] as const) {
    await fireEvent.input(form.querySelector<HTMLInputElement>(`[name="${name}"]`)!, { target: { value } });
  }
  await fireEvent.submit(form);
}

describe('account panel, refused', () => {
  it('keeps the user signed in when the current password is wrong', async () => {
    answerPasswordChange(401, 'HW_BAD_CREDENTIALS');
    const session = signedIn();
    render(AccountPanel, { session, i18n: new I18n(null), onClose: () => undefined });
    await change('not-my-password', 'new-password-1');
    await vi.waitFor(() => expect(screen.getByTestId('password-outcome').textContent).toContain('当前密码不正确'));
    expect(session.user).toEqual({ username: 'li', role: 'engineer', displayName: '李' });
    expect(session.expired).toBe(false);
  });

  it('says in Chinese, or English, how long a locked account waits', async () => {
    answerPasswordChange(429, 'HW_ACCOUNT_LOCKED', { 'retry-after': '120' });
    const i18n = new I18n(null);
    render(AccountPanel, { session: signedIn(), i18n, onClose: () => undefined });
    await change('guess-number-6', 'new-password-1');
    await vi.waitFor(() => expect(screen.getByTestId('password-outcome').textContent).toBe('密码错误次数过多，账户已暂时锁定，请 2 分钟后再试'));
    i18n.toggle();
    await vi.waitFor(() => expect(screen.getByTestId('password-outcome').textContent).toBe('Too many wrong passwords: the account is locked, try again in 2 min'));
  });
});
