import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dutyWorld, stubApi, type Request } from './duty-fixture.ts';
import type { Channel } from './duty-types.ts';
import ChannelList from './ChannelList.svelte';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const field = (root: HTMLElement, name: string) => root.querySelector<HTMLInputElement>(`[name="${name}"]`)!;

describe('channel list', () => {
  it('flags a failing channel, shows the receiver refusing a test, and keeps a secret the form left alone', async () => {
    const dingtalk: Channel = {
      id: 'dingtalk-1',
      name: '一班钉钉群',
      enabled: true,
      config: { type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=••••', secret: '••••', timeoutMs: 10_000 },
      createdAt: '2026-12-01T00:00:00.000Z',
    };
    const requests = stubApi({
      'GET /api/alerting/channels': () => [200, { channels: [dingtalk], failing: ['dingtalk-1'] }],
      'GET /api/alerting/roster': () => [200, { people: [{ id: 'p1', name: '张工', mobile: '13800000001' }], teams: [{ id: 't1', name: '运行一班', substations: '*', channels: ['dingtalk-1'] }], shifts: [] }],
      'POST /api/alerting/channels/dingtalk-1/test': () => [502, { error: { code: 'HW_CHANNEL_FAILED', message: 'dingtalk answered errcode 310000: sign not match' } }],
      'PUT /api/alerting/channels/dingtalk-1': (req: Request) => [200, { ...dingtalk, ...(req.body as object) }],
    });
    render(ChannelList, await dutyWorld('admin'));
    const row = await screen.findByTestId('channel');
    expect(within(row).getByTestId('channel-failing').textContent).toBe('连续发送失败');
    expect(row.textContent).toContain('钉钉');
    expect(row.textContent).toContain('用于：运行一班');

    await fireEvent.click(within(row).getByTestId('channel-test-open'));
    await fireEvent.click(within(row).getByLabelText('张工'));
    await fireEvent.click(within(row).getByTestId('channel-test-send'));
    const result = await within(row).findByTestId('channel-test-result');
    expect(result.textContent).toBe('发送失败：dingtalk answered errcode 310000: sign not match');
    expect(requests.find((r) => r.method === 'POST')!.body).toEqual({ people: ['p1'] });

    await fireEvent.click(within(screen.getByTestId('channel')).getByTestId('channel-edit'));
    const form = screen.getByTestId('channel-form');
    expect(field(form, 'secret').value).toBe('');
    expect(field(form, 'secret').placeholder).toBe('已设置；留空则保持不变');
    await fireEvent.input(field(form, 'name'), { target: { value: '一班钉钉群（新）' } });
    await fireEvent.click(screen.getByTestId('channel-save'));
    await vi.waitFor(() => expect(screen.queryByTestId('channel-form')).toBeNull());
    expect(requests.find((r) => r.method === 'PUT')!.body).toEqual({
      name: '一班钉钉群（新）',
      enabled: true,
      config: { type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=••••', secret: '••••', timeoutMs: 10_000 },
    });
  });

  it("adds a webhook channel; the server's refusal is shown in the form", async () => {
    const requests = stubApi({
      'GET /api/alerting/channels': () => [200, { channels: [], failing: [] }],
      'GET /api/alerting/roster': () => [200, { people: [], teams: [], shifts: [] }],
      'PUT /api/alerting/channels/webhook-1': () => [400, { error: { code: 'HW_BAD_REQUEST', message: 'config.url: must be an http:// or https:// URL' } }],
    });
    render(ChannelList, await dutyWorld('admin'));
    await fireEvent.click(await screen.findByTestId('channel-add'));
    const form = screen.getByTestId('channel-form');
    await fireEvent.change(field(form, 'type'), { target: { value: 'webhook' } });
    await fireEvent.click(screen.getByTestId('channel-save'));
    expect(form.textContent).toContain('必填');
    expect(requests.some((r) => r.method === 'PUT')).toBe(false);
    await fireEvent.input(field(form, 'name'), { target: { value: '值班系统' } });
    await fireEvent.input(field(form, 'url'), { target: { value: 'ftp://x' } });
    await fireEvent.click(screen.getByTestId('channel-save'));
    expect((await screen.findByTestId('channel-form-error')).textContent).toBe('未保存：config.url: must be an http:// or https:// URL');
    expect(requests.find((r) => r.method === 'PUT')!.body).toEqual({ name: '值班系统', enabled: true, config: { type: 'webhook', url: 'ftp://x', customerNotices: false } });
  });
});
