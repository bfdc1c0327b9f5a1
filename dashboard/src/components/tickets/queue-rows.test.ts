import { describe, expect, it } from 'vitest';
import { TicketStore } from '../../state/tickets.svelte.ts';
import { DEFAULT_FILTER, deadlineCounts, needsServer, nestRows, queryPath, rowPlace } from './queue-rows.ts';
import { HOUR, OPENED, ticket } from './ticket-fixture.ts';

const due = (h: number) => new Date(OPENED + h * HOUR).toISOString();

describe('queue rows', () => {
  it('puts linked room tickets under their substation ticket, the group where its most urgent member is', () => {
    const list = [
      ticket({ id: 'R-a', parentId: 'S-1', dueAt: due(1) }),
      ticket({ id: 'X', dueAt: due(2) }),
      ticket({ id: 'R-b', parentId: 'S-1', dueAt: due(3) }),
      ticket({ id: 'S-1', rule: 'correlation', deviceId: 'S1', dueAt: due(4) }),
      ticket({ id: 'R-c', parentId: 'S-gone', dueAt: due(5) }),
    ];
    // Expanded: the incident first, where its most urgent room (R-a) would be, then its rooms.
    expect(nestRows(list, new Set(['S-1'])).map((r) => [r.ticket.id, r.urgent.id, r.depth, r.children, r.linkedOutside])).toEqual([
      ['S-1', 'R-a', 0, 2, false],
      ['R-a', 'R-a', 1, 0, false],
      ['R-b', 'R-b', 1, 0, false],
      ['X', 'X', 0, 0, false],
      // Its substation ticket is filtered out: shown on its own, marked as linked.
      ['R-c', 'R-c', 0, 0, true],
    ]);
    // By default one row per incident, keeping its place and its count; its rooms are not repeated elsewhere.
    expect(nestRows(list).map((r) => [r.ticket.id, r.children])).toEqual([
      ['S-1', 2],
      ['X', 0],
      ['R-c', 0],
    ]);
  });

  it('counts overdue, at-risk and on-time tickets by the clock', () => {
    const list = [
      ticket({ id: 'a', dueAt: due(8) }), // at 7 h: at risk
      ticket({ id: 'b', dueAt: due(6) }), // overdue
      ticket({ id: 'c', dueAt: due(20) }), // on time
      ticket({ id: 'd', dueAt: null }),
      ticket({ id: 'e', dueAt: due(8), milestoneAt: due(2) }), // met: not counted
    ];
    expect(deadlineCounts(list, OPENED + 7 * HOUR)).toEqual({ breached: 1, at_risk: 1, on_time: 1 });
  });
});

describe('queue filter', () => {
  it('answers every status but closed from the store, and asks the API for closed ones', () => {
    expect(needsServer(DEFAULT_FILTER)).toBe(false);
    expect(needsServer({ ...DEFAULT_FILTER, status: 'resolved' })).toBe(false);
    expect(needsServer({ ...DEFAULT_FILTER, status: 'closed' })).toBe(true);
    expect(queryPath({ ...DEFAULT_FILTER, status: 'closed' })).toBe('/api/tickets?status=closed&limit=1000');
    expect(queryPath({ type: 'leak', status: 'closed', substationId: 'SS 1' }, 50)).toBe('/api/tickets?status=closed&type=leak&substationId=SS+1&limit=50');
  });

  it('selects by type, status and substation from the store', () => {
    const store = new TicketStore();
    store.apply(ticket({ id: 'a' }));
    store.apply(ticket({ id: 'b', type: 'leak', status: 'acknowledged', substationId: 'S2' }));
    store.apply(ticket({ id: 'c', type: 'leak', status: 'open', substationId: 'S2' }));
    const ids = (f: Partial<typeof DEFAULT_FILTER>) => store.list({ ...DEFAULT_FILTER, ...f }).map((t) => t.id).sort();
    expect(ids({})).toEqual(['a', 'b', 'c']);
    expect(ids({ type: 'leak' })).toEqual(['b', 'c']);
    expect(ids({ type: 'leak', status: 'open' })).toEqual(['c']);
    expect(ids({ substationId: 'S1' })).toEqual(['a']);
  });

  it('selects the tickets given to one person, and lists who has tickets', () => {
    const store = new TicketStore();
    store.apply(ticket({ id: 'a', assignee: { id: 'li', name: '李工' } }));
    store.apply(ticket({ id: 'b', assignee: { id: 'zhang', name: '张工' } }));
    store.apply(ticket({ id: 'c' }));
    expect(store.list({ ...DEFAULT_FILTER, assignee: 'li' }).map((t) => t.id)).toEqual(['a']);
    expect(store.list(DEFAULT_FILTER).length).toBe(3);
    expect(store.assignees().map((p) => p.id).sort()).toEqual(['li', 'zhang']);
    expect(queryPath({ ...DEFAULT_FILTER, status: 'closed', assignee: 'li' })).toBe('/api/tickets?status=closed&assignee=li&limit=1000');
  });

  it('leads a row with names, the codes apart, and says an address once', () => {
    const names: Record<string, string> = { 'R-0101': '幸福小区 9-1-101 卧室', 'SS-01': '一号换热站' };
    const nameOf = (id: string) => names[id];
    expect(rowPlace({ deviceId: 'R-0101', substationId: 'SS-01', address: '幸福小区 9-1-101' }, nameOf)).toEqual({ names: '幸福小区 9-1-101 卧室 · 一号换热站', codes: 'R-0101 · SS-01' });
    // A substation's own ticket: its name once.
    expect(rowPlace({ deviceId: 'SS-01', substationId: 'SS-01', address: null }, nameOf)).toEqual({ names: '一号换热站', codes: 'SS-01' });
    // A hotline ticket with only an address; a device the store does not know is its code, not repeated.
    expect(rowPlace({ deviceId: null, substationId: null, address: '春华小区 3-2-201' }, nameOf)).toEqual({ names: '春华小区 3-2-201', codes: '' });
    expect(rowPlace({ deviceId: 'R-gone', substationId: null, address: null }, nameOf)).toEqual({ names: 'R-gone', codes: '' });
  });
});
