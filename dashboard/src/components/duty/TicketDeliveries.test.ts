import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { timelineActionKey } from '../tickets/timeline-labels.ts';
import { dutyWorld, stubApi } from './duty-fixture.ts';
import type { Delivery } from './duty-types.ts';
import TicketDeliveries from './TicketDeliveries.svelte';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const delivery = (over: Partial<Delivery>): Delivery => ({
  id: 'd1',
  kind: 'page',
  channelId: 'wecom-1',
  recipients: ['张工'],
  title: '【主管道事故】一号换热站',
  status: 'sent',
  attempts: 1,
  lastError: null,
  createdAt: '2026-12-10T02:00:00.000Z',
  sentAt: '2026-12-10T02:00:01.000Z',
  ...over,
});

describe('ticket notifications', () => {
  it('asks for the log only when opened, again when the timeline moves, and says what failed', async () => {
    let list = [delivery({})];
    const requests = stubApi({ 'GET /api/tickets/T-7/deliveries': () => [200, { deliveries: list }] });
    const { session, i18n } = await dutyWorld('engineer');
    const view = render(TicketDeliveries, { ticketId: 'T-7', timelineLength: 2, session, i18n });
    const details = screen.getByTestId('ticket-deliveries') as HTMLDetailsElement;
    expect(requests).toHaveLength(0);

    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    await vi.waitFor(() => expect(details.querySelectorAll('li')).toHaveLength(1));
    expect(details.textContent).toContain('已发送');
    expect(details.textContent).toContain('派单');

    list = [...list, delivery({ id: 'd2', kind: 'escalation', recipients: ['李经理'], status: 'pending', attempts: 2, lastError: 'webhook: could not reach the receiver (ECONNREFUSED)', sentAt: null })];
    await view.rerender({ ticketId: 'T-7', timelineLength: 3, session, i18n });
    await vi.waitFor(() => expect(details.querySelectorAll('li')).toHaveLength(2));
    expect(requests.map((r) => r.url)).toEqual(['/api/tickets/T-7/deliveries', '/api/tickets/T-7/deliveries']);
    const retrying = details.querySelector('[data-status=pending]')!;
    expect(retrying.textContent).toContain('重试中');
    expect(retrying.textContent).toContain('李经理 · 尝试 2 次');
    expect(retrying.textContent).toContain('无法连接接收方（ECONNREFUSED）');
  });

  it('the alerting service\'s timeline entries have names', () => {
    const t = new I18n(null).t;
    expect(['notified', 'notify_failed', 'notify_skipped'].map((a) => t(timelineActionKey(a)!))).toEqual(['通知已发送', '通知失败', '未发出通知']);
  });
});
