import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../../ingest/contracts/tickets.ts';
import { ticket as sharedTicket } from '../components/tickets/ticket-fixture.ts';
import { ApiClient } from '../lib/api/api-client.ts';
import { TicketStore } from './tickets.svelte.ts';

let seq = 0;
/** The shared fixture (a room below 18 °C, opened 2026-12-10 08:00 Beijing time) with a fresh id. */
const ticket = (over: Partial<Ticket> = {}): Ticket => sharedTicket({ id: `T-${++seq}`, ...over });

describe('ticket store', () => {
  it('keeps a ticket that arrived live while a resync was on its way, and its newer state', async () => {
    const store = new TicketStore();
    const known = ticket();
    let answer: (res: Response) => void = () => undefined;
    const answered = new Promise<Response>((resolve) => (answer = resolve));
    const api = new ApiClient({ token: () => 't', onUnauthorized: () => undefined, fetch: () => answered });
    const loading = store.load(api);
    // The server answered with the list as it was; meanwhile a ticket opened and another changed.
    const opened = ticket();
    const acknowledged = { ...known, status: 'acknowledged' as const, updatedAt: '2026-12-10T00:05:00.000Z' };
    store.apply(opened);
    store.apply(acknowledged);
    answer(new Response(JSON.stringify({ tickets: [known] })));
    await loading;
    expect(store.get(opened.id)).toEqual(opened);
    expect(store.get(known.id)?.status).toBe('acknowledged');
  });


  it('lists the most urgent pending deadline first, met and deadline-less ones after', () => {
    const store = new TicketStore();
    const late = ticket({ dueAt: '2026-12-10T09:00:00.000Z' });
    const soon = ticket({ type: 'pipeline_accident', dueAt: '2026-12-10T00:30:00.000Z' });
    const met = ticket({ dueAt: '2026-12-10T00:10:00.000Z', milestoneAt: '2026-12-10T00:05:00.000Z', status: 'resolved' });
    const none = ticket({ type: 'sensor_offline', dueAt: null, milestone: null, openedAt: '2026-12-10T00:20:00.000Z' });
    for (const t of [met, none, late, soon]) store.apply(t);
    // Then the rest, newest first.
    expect(store.list({ type: 'all', status: 'active', substationId: 'all' }).map((t) => t.id)).toEqual([soon.id, late.id, none.id, met.id]);
  });

  it('filters by type, status and substation, and drops closed tickets', () => {
    const store = new TicketStore();
    const a = ticket({ substationId: 'S2' });
    const b = ticket({ type: 'leak', deviceId: null });
    store.apply(a);
    store.apply(b);
    expect(store.list({ type: 'leak', status: 'active', substationId: 'all' }).map((t) => t.id)).toEqual([b.id]);
    expect(store.list({ type: 'all', status: 'active', substationId: 'S2' }).map((t) => t.id)).toEqual([a.id]);
    expect(store.hasOpenTicket('R1')).toBe(true);
    store.apply({ ...a, status: 'closed', updatedAt: '2026-12-10T01:00:00.000Z' });
    expect(store.get(a.id)).toBeUndefined();
    expect(store.hasOpenTicket('R1')).toBe(false);
  });

  it('ignores a stale echo older than what it holds, and bumps its version on change', () => {
    const store = new TicketStore();
    const t = ticket();
    store.apply({ ...t, status: 'acknowledged', updatedAt: '2026-12-10T00:05:00.000Z' });
    const v = store.version;
    store.apply(t);
    expect(store.get(t.id)!.status).toBe('acknowledged');
    expect(store.version).toBe(v + 1);
  });

  it('does not colour a device red for a sensor-offline ticket alone', () => {
    const store = new TicketStore();
    store.apply(ticket({ type: 'sensor_offline', deviceId: 'R9', dueAt: null }));
    expect(store.hasOpenTicket('R9')).toBe(false);
    expect(store.forDevice('R9')).toHaveLength(1);
  });
});
