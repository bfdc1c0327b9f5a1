/**
 * Planning visits from elsewhere, pure: which tickets a visit answers (安排走访 on a ticket), and
 * a substation's round (定期走访) as the API takes it. Mirrors the server's rules so the form
 * says what is wrong before anything is sent.
 */
import { isLocalDate } from '../../../../ingest/contracts/beijing-time.ts';
import type { Ticket } from '../../../../ingest/contracts/tickets.ts';
import { NIGHT_FROM_HOUR, NIGHT_TO_HOUR, VISIT_TICKET_TYPES } from '../../../../ingest/contracts/visits.ts';
import type { MessageKey } from '../../lib/i18n/i18n.svelte.ts';
import { parseStaff } from './visit-form.ts';

/** A customer's ticket still being worked (not resolved yet): a visit can be its on-site step. */
export function ticketWantsVisit(t: Pick<Ticket, 'type' | 'status'>): boolean {
  return (VISIT_TICKET_TYPES as readonly string[]).includes(t.type) && ['open', 'acknowledged', 'on_site', 'negotiating'].includes(t.status);
}

export interface RoundDraft {
  date: string;
  staff: string;
  startAt: string;
  minutesEach: string;
}

export function roundBody(substationId: string, d: RoundDraft): { body: object } | { error: MessageKey } {
  if (!isLocalDate(d.date)) return { error: 'round.error.date' };
  const staff = parseStaff(d.staff);
  if (staff.length < 2) return { error: 'visit.error.staff' };
  const m = /^(\d{2}):(\d{2})$/.exec(d.startAt);
  const start = m ? Number(m[1]) * 60 + Number(m[2]) : -1;
  if (start < NIGHT_TO_HOUR * 60 || start >= NIGHT_FROM_HOUR * 60) return { error: 'round.error.startAt' };
  const minutesEach = Number(d.minutesEach);
  if (!Number.isInteger(minutesEach) || minutesEach < 5 || minutesEach > 240) return { error: 'round.error.minutes' };
  return { body: { substationId, date: d.date, staff, startAt: d.startAt, minutesEach } };
}
