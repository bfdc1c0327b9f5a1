/**
 * Which tickets must not go unnoticed in the control room (issue 15), pure: a main-pipe accident
 * or a substation incident nobody has acknowledged yet, and any ticket whose deadline has passed
 * with its commitment not met. Everything else is quiet. An alarm ends when someone acts on the
 * ticket (acknowledges it; meets the commitment) or this browser dismisses it.
 */
import type { Ticket } from '../../../../ingest/contracts/tickets.ts';
import { liveState } from '../tickets/countdown.ts';

export type AlarmReason = 'opened' | 'breached';

export interface Alarm {
  key: string;
  reason: AlarmReason;
  ticket: Ticket;
}

/** Loud when it opens: a main burst (30 min to be on site), a substation fault, or a whole substation going cold. */
export const alarmsWhenOpened = (t: Pick<Ticket, 'type' | 'rule'>): boolean => t.type === 'pipeline_accident' || t.type === 'substation_fault' || t.rule === 'correlation';

export const alarmKey = (ticketId: string, reason: AlarmReason): string => `${ticketId}:${reason}`;

/** The alarms standing now, most recent first (a breach before an opening of the same age). */
export function activeAlarms(tickets: Iterable<Ticket>, now: number, dismissed: ReadonlySet<string>): Alarm[] {
  const out: Alarm[] = [];
  for (const t of tickets) {
    if (t.status === 'closed') continue;
    // A room linked under an incident: the incident speaks for it.
    if (t.parentId !== null) continue;
    if (t.status === 'open' && alarmsWhenOpened(t) && !dismissed.has(alarmKey(t.id, 'opened'))) out.push({ key: alarmKey(t.id, 'opened'), reason: 'opened', ticket: t });
    if (liveState(t, now) === 'breached' && !dismissed.has(alarmKey(t.id, 'breached'))) out.push({ key: alarmKey(t.id, 'breached'), reason: 'breached', ticket: t });
  }
  const at = (a: Alarm) => (a.reason === 'breached' ? Date.parse(a.ticket.dueAt!) : Date.parse(a.ticket.openedAt));
  return out.sort((a, b) => at(b) - at(a) || (a.reason === 'breached' ? -1 : 1));
}
