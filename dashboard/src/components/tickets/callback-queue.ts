/**
 * Who must be called back (回访, 服务承诺 二.1(7): within 3 working days of the work), pure: the
 * resolved customer tickets waiting for their callback, soonest due first, grouped as the
 * dispatcher plans the day — overdue, due today (Beijing date), due later.
 */
import { localDateOf } from '../../../../ingest/contracts/beijing-time.ts';
import type { Ticket } from '../../../../ingest/contracts/tickets.ts';

export type CallbackGroup = 'overdue' | 'today' | 'later';

export interface CallbackRow {
  ticket: Ticket;
  group: CallbackGroup;
}

export const waitsForCallback = (t: Ticket): boolean => t.status === 'resolved' && t.callbackDueAt !== null;

export function callbackQueue(tickets: Iterable<Ticket>, now: number): CallbackRow[] {
  const today = localDateOf(now);
  const rows: { ticket: Ticket; due: number }[] = [];
  for (const t of tickets) if (waitsForCallback(t)) rows.push({ ticket: t, due: Date.parse(t.callbackDueAt!) });
  rows.sort((a, b) => a.due - b.due || a.ticket.id.localeCompare(b.ticket.id));
  return rows.map(({ ticket, due }) => ({ ticket, group: due < now ? 'overdue' : localDateOf(due) === today ? 'today' : 'later' }));
}

/** How many are overdue and due today: what the tab counts. */
export function callbacksToMake(rows: readonly CallbackRow[]): number {
  return rows.filter((r) => r.group !== 'later').length;
}
