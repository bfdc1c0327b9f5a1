import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { Session } from '../../lib/session/session.svelte.ts';
import HotlineForm from './HotlineForm.svelte';
import { emptyDraft, validateHotline } from './hotline-form.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('hotline form rules', () => {
  it('needs a hotline type and a description; checks the device id format', () => {
    expect(validateHotline(emptyDraft())).toEqual({ errors: { type: 'hotline.error.type', description: 'hotline.error.description' } });
    const draft = { ...emptyDraft(), type: 'leak' as const, description: ' 楼道暖气管漏水 ' };
    expect(validateHotline({ ...draft, deviceId: 'R 1' })).toEqual({ errors: { deviceId: 'hotline.error.deviceFormat' } });
    expect(validateHotline({ ...draft, deviceId: 'x'.repeat(65) })).toEqual({ errors: { deviceId: 'hotline.error.deviceFormat' } });
    expect(validateHotline({ ...draft, type: 'room_temp_low' as never })).toEqual({ errors: { type: 'hotline.error.type' } });
  });

  it('sends trimmed values and leaves empty optional fields out (the server fills the address from the device)', () => {
    const draft = { ...emptyDraft(), type: 'repair' as const, description: '暖气不热', address: '  ', contact: ' 王先生 138 ', deviceId: 'R-003_0048' };
    expect(validateHotline(draft)).toEqual({ body: { type: 'repair', description: '暖气不热', contact: '王先生 138', deviceId: 'R-003_0048', channel: 'phone' } });
  });

  it('sends how it came in, and the accused team only with a complaint about staff', () => {
    const draft = { ...emptyDraft(), description: '维修工态度差', channel: 'letter' as const, accusedTeam: 'team-a' };
    expect(validateHotline({ ...draft, type: 'staff_complaint' })).toEqual({ body: { type: 'staff_complaint', description: '维修工态度差', channel: 'letter', accusedTeam: 'team-a' } });
    expect(validateHotline({ ...draft, type: 'suggestion' })).toEqual({ body: { type: 'suggestion', description: '维修工态度差', channel: 'letter' } });
  });
});

describe('hotline form', () => {
  function mount() {
    const calls = { created: vi.fn(), cancel: vi.fn() };
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ error: { code: 'HW_NOT_FOUND', message: 'no device R-9' } }), { status: 404 }));
    vi.stubGlobal('fetch', fetch);
    render(HotlineForm, { session: new Session(null), i18n: new I18n(null), onCreated: calls.created, onCancel: calls.cancel });
    return { calls, fetch };
  }

  it('shows what is missing without asking the server, and an unknown device next to its field', async () => {
    const { calls, fetch } = mount();
    await fireEvent.click(screen.getByTestId('hotline-submit'));
    expect(screen.getAllByRole('alert').map((e) => e.textContent)).toEqual(['请选择类型', '请填写问题描述']);
    // Only the roster's teams were asked for (for a complaint about staff), no ticket sent.
    const posts = () => fetch.mock.calls.filter(([url]) => String(url).endsWith('/api/tickets'));
    expect(posts()).toEqual([]);

    const form = screen.getByTestId('hotline-form');
    await fireEvent.change(form.querySelector('select[name=type]')!, { target: { value: 'leak' } });
    await fireEvent.input(form.querySelector('textarea[name=description]')!, { target: { value: '漏水' } });
    await fireEvent.input(form.querySelector('input[name=deviceId]')!, { target: { value: 'R-9' } });
    await fireEvent.click(screen.getByTestId('hotline-submit'));
    await vi.waitFor(() => expect(screen.getByTestId('hotline-unknown-device').textContent).toBe('没有编号为 R-9 的测温点'));
    expect(posts()).toHaveLength(1);
    expect(JSON.parse(posts()[0]![1].body as string)).toEqual({ type: 'leak', description: '漏水', deviceId: 'R-9', channel: 'phone' });
    expect(calls.created).not.toHaveBeenCalled();
  });

  it('cancels on Escape', async () => {
    const { calls } = mount();
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(calls.cancel).toHaveBeenCalledOnce();
  });
});
