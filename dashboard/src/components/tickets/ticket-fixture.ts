/** A ticket for the tests: a room below 18 °C, opened at 08:00 Beijing time, cause due 8 h later. */
import type { Ticket } from '../../../../ingest/contracts/tickets.ts';

export const OPENED = Date.parse('2026-12-10T00:00:00.000Z');
export const HOUR = 3_600_000;

export function ticket(over: Partial<Ticket> & Pick<Ticket, 'id'>): Ticket {
  return {
    type: 'room_temp_low',
    status: 'open',
    source: 'rule',
    channel: null,
    rule: 'room_low',
    deviceId: 'R1',
    substationId: 'S1',
    parentId: null,
    description: '',
    facts: [{ fact: 'room_low', tempC: 17.4, belowC: 18, forMs: 30 * 60_000, lowestC: 17.2 }],
    address: '邹城市 千泉街道 1 号',
    contact: null,
    openedAt: new Date(OPENED).toISOString(),
    eventAt: new Date(OPENED).toISOString(),
    milestone: 'cause_found',
    dueAt: new Date(OPENED + 8 * HOUR).toISOString(),
    milestoneAt: null,
    deadlineState: 'on_time',
    exempt: null,
    recoveredAt: null,
    cause: null,
    diagnosedAt: null,
    explanation: null,
    negotiatingWith: null,
    accusedTeam: null,
    resolvedAt: null,
    callbackDueAt: null,
    callbackAt: null,
    callbackState: 'none',
    satisfaction: null,
    calledNumber: null,
    assignee: null,
    updatedAt: new Date(OPENED).toISOString(),
    ...over,
  };
}
