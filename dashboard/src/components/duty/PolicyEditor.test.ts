import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dutyWorld, stubApi, type Request, POLICY as policy } from './duty-fixture.ts';
import PolicyEditor from './PolicyEditor.svelte';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const field = (name: string) => document.querySelector<HTMLInputElement>(`[name="${name}"]`)!;

describe('policy editor', () => {
  it('an admin changes a delay and saves the whole policy', async () => {
    const requests = stubApi({ 'GET /api/alerting/policy': () => [200, policy], 'PUT /api/alerting/policy': (req: Request) => [200, req.body] });
    render(PolicyEditor, await dutyWorld('admin'));
    await screen.findByRole('table');
    expect((screen.getByTestId('policy-save') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(field('escalate-room_temp_low'), { target: { value: '45' } });
    await fireEvent.click(field('page-inquiry'));
    await fireEvent.click(screen.getByTestId('policy-save'));
    await vi.waitFor(() => expect(screen.getByTestId('policy-editor').textContent).toContain('已保存'));
    expect(requests.find((r) => r.method === 'PUT')!.body).toEqual({
      ...policy,
      types: { ...policy.types, room_temp_low: { page: true, pageAfterMin: 10, escalateAfterMin: 45 }, inquiry: { page: true, pageAfterMin: 0, escalateAfterMin: 15 } },
    });
  });

  it('other staff read it with every field locked', async () => {
    stubApi({ 'GET /api/alerting/policy': () => [200, policy] });
    render(PolicyEditor, await dutyWorld('dispatcher'));
    await screen.findByRole('table');
    expect([...document.querySelectorAll('input')].every((i) => i.disabled)).toBe(true);
    expect(screen.queryByTestId('policy-save')).toBeNull();
    expect(screen.getByTestId('policy-editor').textContent).toContain('只有管理员可以修改');
  });
});
