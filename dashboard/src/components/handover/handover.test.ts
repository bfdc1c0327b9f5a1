/** Whose cue a waiting sheet is, and a sheet's summary in the records. */
import { describe, expect, it } from 'vitest';
import type { Handover, HandoverSheet } from '../../../../ingest/contracts/handovers.ts';
import { sheetCounts, waitingFor } from './handover.svelte.ts';

const EMPTY: HandoverSheet = { incidents: [], tickets: [], promises: [], stops: [] };
const sheet = (id: number, from: string, acknowledgedBy: string | null = null): Handover => ({
  id,
  createdAt: '2026-12-10T00:00:00.000Z',
  from: { username: from, name: from },
  note: '',
  sheet: EMPTY,
  acknowledgedAt: acknowledgedBy ? '2026-12-10T00:10:00.000Z' : null,
  acknowledgedBy: acknowledgedBy ? { username: acknowledgedBy, name: acknowledgedBy } : null,
  ackNote: null,
});

describe('the sheet waiting to be taken over', () => {
  it('is the newest one nobody took over, for anyone but its author', () => {
    expect(waitingFor([sheet(2, 'zhao'), sheet(1, 'sun', 'zhao')], 'sun')?.id).toBe(2);
    expect(waitingFor([sheet(2, 'zhao')], 'zhao')).toBeNull();
    expect(waitingFor([sheet(2, 'zhao')], undefined)?.id).toBe(2);
  });

  it('is none once the newest was taken over, even if an older one never was', () => {
    expect(waitingFor([sheet(3, 'zhao', 'sun'), sheet(2, 'li')], 'wang')).toBeNull();
    expect(waitingFor([], 'wang')).toBeNull();
  });
});

describe('a sheet in the records', () => {
  it('counts what each section hands over', () => {
    const s: HandoverSheet = {
      ...EMPTY,
      tickets: [{ id: 'T-1', type: 'leak', status: 'open', place: '春华小区', assignee: null, milestone: 'on_site', dueAt: null, deadlineState: 'on_time', rooms: 0 }],
      promises: [{ ticketId: 'T-1', kind: 'on_site', to: '孙先生', dueAt: '2026-12-10T02:00:00.000Z', state: 'on_time' }],
    };
    expect(sheetCounts(s)).toEqual({ incidents: 0, tickets: 1, promises: 1, stops: 0 });
  });
});
