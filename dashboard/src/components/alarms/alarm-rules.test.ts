import { describe, expect, it } from 'vitest';
import { HOUR, OPENED, ticket } from '../tickets/ticket-fixture.ts';
import { activeAlarms, alarmKey } from './alarm-rules.ts';

const at = (h: number) => new Date(OPENED + h * HOUR).toISOString();

describe('alarms in the control room', () => {
  const burst = ticket({ id: 'P', type: 'pipeline_accident', rule: 'substation_collapse', milestone: 'on_site', dueAt: at(0.5) });
  const incident = ticket({ id: 'I', rule: 'correlation', dueAt: at(8) });
  const room = ticket({ id: 'R', dueAt: at(8) });
  const linked = ticket({ id: 'L', parentId: 'I', dueAt: at(1) });

  it('sounds for an unacknowledged main-pipe accident or substation incident; an ordinary cold room is quiet', () => {
    expect(activeAlarms([burst, incident, room], OPENED + 0.1 * HOUR, new Set()).map((a) => a.key)).toEqual(['P:opened', 'I:opened']);
  });

  it('ends when someone acknowledges the ticket, or this browser dismisses it', () => {
    expect(activeAlarms([{ ...burst, status: 'acknowledged' }], OPENED + 0.1 * HOUR, new Set())).toEqual([]);
    expect(activeAlarms([burst], OPENED + 0.1 * HOUR, new Set([alarmKey('P', 'opened')]))).toEqual([]);
  });

  it('sounds again when a deadline passes with its commitment not met, for any ticket but a linked room', () => {
    const late = OPENED + 9 * HOUR;
    expect(activeAlarms([{ ...burst, status: 'acknowledged' }, room, linked], late, new Set()).map((a) => a.key)).toEqual(['R:breached', 'P:breached']);
    expect(activeAlarms([{ ...room, milestoneAt: at(7) }], late, new Set())).toEqual([]);
  });
});
