import { describe, expect, it } from 'vitest';
import { callbackQueue, callbacksToMake } from './callback-queue.ts';
import { ticket } from './ticket-fixture.ts';

const at = (local: string) => new Date(Date.parse(`${local}+08:00`)).toISOString();
/** Wednesday 16 December 2026, 09:00 Beijing time. */
const NOW = Date.parse('2026-12-16T09:00:00+08:00');

describe('the callback queue', () => {
  it('lists the resolved customer tickets waiting for their callback, soonest first: overdue, due today, later', () => {
    const rows = callbackQueue(
      [
        ticket({ id: 'T-4', status: 'resolved', callbackDueAt: at('2026-12-18T23:59:59.999') }),
        ticket({ id: 'T-2', status: 'resolved', callbackDueAt: at('2026-12-16T23:59:59.999') }),
        ticket({ id: 'T-1', status: 'resolved', callbackDueAt: at('2026-12-15T23:59:59.999') }),
        ticket({ id: 'T-3', status: 'callback_done', callbackDueAt: at('2026-12-16T23:59:59.999') }), // already called
        ticket({ id: 'T-5', status: 'on_site', callbackDueAt: null }), // not resolved yet
        ticket({ id: 'T-6', status: 'resolved', type: 'sensor_offline', callbackDueAt: null }), // nobody to call
      ],
      NOW,
    );
    expect(rows.map((r) => [r.ticket.id, r.group])).toEqual([
      ['T-1', 'overdue'],
      ['T-2', 'today'],
      ['T-4', 'later'],
    ]);
    expect(callbacksToMake(rows)).toBe(2);
  });

  it('turns a callback due today into overdue once its day is over in Beijing time, whatever the machine’s zone', () => {
    const t = ticket({ id: 'T-1', status: 'resolved', callbackDueAt: at('2026-12-16T23:59:59.999') });
    expect(callbackQueue([t], Date.parse('2026-12-16T23:59:00+08:00'))[0]!.group).toBe('today');
    expect(callbackQueue([t], Date.parse('2026-12-17T00:00:00+08:00'))[0]!.group).toBe('overdue');
    expect(callbackQueue([t], Date.parse('2026-12-15T23:00:00+08:00'))[0]!.group).toBe('later');
  });
});
