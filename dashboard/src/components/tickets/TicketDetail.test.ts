import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Ticket } from '../../../../ingest/contracts/tickets.ts';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { Session } from '../../lib/session/session.svelte.ts';
import { Clock } from '../../state/clock.svelte.ts';
import { DeviceStore } from '../../state/devices.svelte.ts';
import { TicketStore } from '../../state/tickets.svelte.ts';
import { HOUR, OPENED, ticket } from './ticket-fixture.ts';
import TicketDetail from './TicketDetail.svelte';

/** The ticket as the server holds it, and every request the detail made. */
let server: Ticket;
let requests: { method: string; url: string; body: unknown }[];
/** What the next lifecycle POST answers instead of the updated ticket. */
let refusal: { status: number; code: string; message: string } | null;

beforeEach(() => {
  server = ticket({ id: 'T-7', parentId: 'T-1' });
  requests = [];
  refusal = null;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const body = init.body ? JSON.parse(init.body as string) : undefined;
    requests.push({ method: init.method ?? 'GET', url, body });
    if (init.method === 'GET') {
      const timeline = [
        { at: server.openedAt, actor: 'rules', action: 'opened', note: '17.4 °C' },
        { at: server.openedAt, actor: 'rules', action: 'escalated', note: null },
      ];
      return new Response(JSON.stringify({ ...server, timeline, readings: [] }));
    }
    if (refusal) return new Response(JSON.stringify({ error: { code: refusal.code, message: refusal.message } }), { status: refusal.status });
    server = { ...server, status: 'acknowledged', updatedAt: new Date(OPENED + HOUR).toISOString() };
    return new Response(JSON.stringify(server));
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function mount(role: 'dispatcher' | 'viewer' = 'dispatcher') {
  const tickets = new TicketStore();
  tickets.apply(server);
  const session = new Session(null);
  session.user = { username: 'zhang', role, displayName: '张' };
  const clock = new Clock();
  clock.now = OPENED + 2 * HOUR;
  const calls = { close: vi.fn(), openTicket: vi.fn(), selectDevice: vi.fn() };
  render(TicketDetail, { id: 'T-7', tickets, devices: new DeviceStore(), session, i18n: new I18n(null), clock, onClose: calls.close, onOpenTicket: calls.openTicket, onSelectDevice: calls.selectDevice });
  return { tickets, calls };
}

describe('ticket detail', () => {
  it('shows the ticket, its countdown and its timeline; links lead to the device and the substation ticket', async () => {
    const { calls } = mount();
    const timeline = await screen.findByTestId('ticket-timeline');
    await vi.waitFor(() => expect(timeline.textContent).toContain('开单 · 系统规则'));
    expect(timeline.textContent).toContain('escalated');
    expect(timeline.textContent).toContain('12/10 08:00');
    expect(screen.getByTestId('detail-countdown').textContent).toBe('剩余 6 小时 00 分');
    await fireEvent.click(screen.getByTestId('detail-parent'));
    expect(calls.openTicket).toHaveBeenCalledWith('T-1');
    await fireEvent.click(screen.getByTestId('detail-device'));
    expect(calls.selectDevice).toHaveBeenCalledWith('R1');
    expect(requests[0]).toEqual({ method: 'GET', url: '/api/tickets/T-7', body: undefined });
  });

  it('acknowledges: updates the store from the answer and refetches the timeline', async () => {
    const { tickets } = mount();
    await fireEvent.input((await screen.findByTestId('ticket-actions')).querySelector('input[name=note]')!, { target: { value: '张工接单' } });
    await fireEvent.click(screen.getByTestId('action-acknowledge'));
    await vi.waitFor(() => expect(tickets.get('T-7')?.status).toBe('acknowledged'));
    expect(requests.filter((r) => r.method === 'POST')).toEqual([{ method: 'POST', url: '/api/tickets/T-7/acknowledge', body: { note: '张工接单' } }]);
    await vi.waitFor(() => expect(requests.filter((r) => r.method === 'GET' && r.url.startsWith('/api/tickets/'))).toHaveLength(2));
    expect(screen.getByTestId('detail-status').textContent).toBe('已接单');
    expect(screen.getByTestId('action-on-site')).toBeTruthy();
  });

  it('wants a cause before resolving, and shows the server refusing a step', async () => {
    server = { ...server, status: 'acknowledged' };
    mount();
    await fireEvent.click(await screen.findByTestId('action-resolve'));
    expect(screen.getByRole('alert').textContent).toBe('请填写原因');
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    refusal = { status: 409, code: 'HW_TICKET_STEP', message: 'cannot resolve a ticket that is closed' };
    await fireEvent.input(document.querySelector('textarea[name=cause]')!, { target: { value: '阀门老化' } });
    await fireEvent.click(screen.getByTestId('action-resolve'));
    expect((await screen.findByTestId('action-error')).textContent).toBe('操作失败：cannot resolve a ticket that is closed');
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ cause: '阀门老化' });
  });

  it('follows a change made elsewhere, and offers a viewer no actions', async () => {
    const { tickets } = mount('viewer');
    await vi.waitFor(() => expect(screen.getByTestId('ticket-timeline').textContent).toContain('开单'));
    expect(screen.queryByTestId('ticket-actions')).toBeNull();
    expect(requests).toHaveLength(1);
    server = { ...server, status: 'on_site', updatedAt: new Date(OPENED + HOUR).toISOString() };
    tickets.apply(server);
    await vi.waitFor(() => expect(screen.getByTestId('detail-status').textContent).toBe('已到场'));
    await vi.waitFor(() => expect(requests).toHaveLength(2), { timeout: 2000 });
  });
});
