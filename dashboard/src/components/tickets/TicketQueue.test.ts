import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { Session } from '../../lib/session/session.svelte.ts';
import { Clock } from '../../state/clock.svelte.ts';
import { TicketStore } from '../../state/tickets.svelte.ts';
import { HOUR, OPENED, ticket } from './ticket-fixture.ts';
import TicketQueue from './TicketQueue.svelte';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function mount(store: TicketStore, role: 'dispatcher' | 'viewer' = 'dispatcher') {
  const session = new Session(null);
  session.user = { username: 'zhang', role, displayName: '张' };
  const clock = new Clock();
  clock.now = OPENED + 7 * HOUR;
  const calls = { open: vi.fn(), hotline: vi.fn() };
  render(TicketQueue, { tickets: store, session, i18n: new I18n(null), clock, onOpenTicket: calls.open, onHotline: calls.hotline });
  return { calls, clock };
}

const rowIds = () => screen.queryAllByTestId('ticket-row').map((r) => r.dataset.ticketId);

describe('ticket queue', () => {
  it('shows the live countdown in its deadline colour, an incident as one row counting down its most urgent room, and its rooms on demand', async () => {
    const store = new TicketStore();
    store.apply(ticket({ id: 'R-a', parentId: 'S-1' }));
    store.apply(ticket({ id: 'S-1', rule: 'correlation', deviceId: 'S1', dueAt: new Date(OPENED + 10 * HOUR).toISOString() }));
    store.apply(ticket({ id: 'L', type: 'leak', source: 'hotline', rule: null, milestone: 'on_site', dueAt: new Date(OPENED + 6 * HOUR).toISOString() }));
    const { calls, clock } = mount(store);
    // The incident is one row: its room (due at 8 h, at risk) sets its countdown; counted once.
    await vi.waitFor(() => expect(rowIds()).toEqual(['L', 'S-1']));
    const rows = screen.getAllByTestId('ticket-row');
    expect(rows.map((r) => r.dataset.deadline)).toEqual(['breached', 'at_risk']);
    expect(rows[0]!.textContent).toContain('超时 1 小时 00 分');
    expect(rows[1]!.textContent).toContain('关联 1');
    expect(screen.getByTestId('deadline-counts').textContent!.replace(/\s+/g, ' ')).toBe('超时 1 · 临近 1 · 按时 0');

    clock.now = OPENED + 9 * HOUR;
    await vi.waitFor(() => expect(screen.getAllByTestId('ticket-row').map((r) => r.dataset.deadline)).toEqual(['breached', 'breached']));

    await fireEvent.click(rows[1]!);
    expect(calls.open).toHaveBeenCalledWith('S-1');
    expect(screen.getByTestId('group-toggle').getAttribute('aria-label')).toBe('展开 1 个关联工单');
    await fireEvent.click(screen.getByTestId('group-toggle'));
    expect(rowIds()).toEqual(['L', 'S-1', 'R-a']);
    expect(screen.getAllByTestId('ticket-row')[2]!.closest('li')!.classList.contains('nested')).toBe(true);
    await fireEvent.click(screen.getByTestId('group-toggle'));
    expect(rowIds()).toEqual(['L', 'S-1']);
    await fireEvent.click(screen.getByTestId('hotline-open'));
    expect(calls.hotline).toHaveBeenCalledOnce();
  });

  it('renders at most 300 of 2 000 tickets and says so; a viewer gets no hotline button', async () => {
    const store = new TicketStore();
    for (let i = 0; i < 2000; i++) store.apply(ticket({ id: `T-${i}`, dueAt: new Date(OPENED + (8 + i / 100) * HOUR).toISOString() }));
    mount(store, 'viewer');
    await vi.waitFor(() => expect(rowIds()).toHaveLength(300));
    expect(screen.getByTestId('rows-capped').textContent).toContain('共 2000 条');
    expect(screen.queryByTestId('hotline-open')).toBeNull();
  });

  it('asks the API for closed tickets, which the store does not keep', async () => {
    const requested: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      requested.push(url);
      return new Response(JSON.stringify({ tickets: [ticket({ id: 'C-1', status: 'closed' })] }));
    });
    const store = new TicketStore();
    store.apply(ticket({ id: 'A-1' }));
    mount(store);
    await vi.waitFor(() => expect(rowIds()).toEqual(['A-1']));
    await fireEvent.change(document.querySelector('select[name=filter-status]')!, { target: { value: 'closed' } });
    await vi.waitFor(() => expect(rowIds()).toEqual(['C-1']));
    expect(requested).toEqual(['/api/tickets?status=closed&limit=1000']);
    // Back to the default view for the next test: the filter outlives the component.
    await fireEvent.change(document.querySelector('select[name=filter-status]')!, { target: { value: 'active' } });
    await vi.waitFor(() => expect(rowIds()).toEqual(['A-1']));
  });
});
