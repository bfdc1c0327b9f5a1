/**
 * What the queue shows, pure: which tickets come from the API rather than the store, the rows
 * with linked room tickets nested under their substation ticket, and the counts per deadline.
 */
import type { DeadlineState, Ticket } from '../../../../ingest/contracts/tickets.ts';
import type { TicketFilter } from '../../state/tickets.svelte.ts';
import { liveState } from './countdown.ts';

export const DEFAULT_FILTER: TicketFilter = { type: 'all', status: 'active', substationId: 'all', assignee: 'all' };

/** Enough for a control room to scan; 2 000 rows of live countdowns would only slow the page. */
export const MAX_ROWS = 300;
export const CLOSED_LIMIT = 1000;

/** The store keeps only tickets not yet closed: closed ones are asked for from the API. */
export const needsServer = (f: TicketFilter): boolean => f.status === 'closed';

export function queryPath(f: TicketFilter, limit = CLOSED_LIMIT): string {
  const q = new URLSearchParams({ status: f.status });
  if (f.type !== 'all') q.set('type', f.type);
  if (f.substationId !== 'all') q.set('substationId', f.substationId);
  if (f.assignee !== undefined && f.assignee !== 'all') q.set('assignee', f.assignee);
  q.set('limit', String(limit));
  return `/api/tickets?${q}`;
}

/**
 * Where a ticket is, as the dispatcher reads it: the room's (or substation's) name, its
 * substation's name and the caller's address when the names do not already say it — and the
 * codes apart, secondary. A device the store does not know is its code.
 */
export function rowPlace(t: Pick<Ticket, 'deviceId' | 'substationId' | 'address'>, nameOf: (id: string) => string | undefined = () => undefined): { names: string; codes: string } {
  const names: string[] = [];
  if (t.deviceId) names.push(nameOf(t.deviceId) ?? t.deviceId);
  if (t.substationId && t.substationId !== t.deviceId) names.push(nameOf(t.substationId) ?? t.substationId);
  if (t.address && !names.some((n) => n.includes(t.address!))) names.push(t.address);
  const codes = [t.deviceId, t.substationId !== t.deviceId ? t.substationId : null].filter((c): c is string => !!c && nameOf(c) !== undefined);
  return { names: names.join(' · '), codes: codes.join(' · ') };
}

export interface QueueRow {
  ticket: Ticket;
  /** Whose deadline the row counts down: the incident's most urgent member (itself when alone). */
  urgent: Ticket;
  /** 1: a room ticket shown under its substation ticket. */
  depth: 0 | 1;
  /** Its linked room tickets in this list (a substation ticket). */
  children: number;
  /** Linked under a substation ticket that is not in this list (filtered out): say which. */
  linkedOutside: boolean;
}

/**
 * Each substation ticket with its room tickets, the group placed where its most urgent member
 * would be: one incident, one row, counting down its most urgent deadline. Its rooms are shown
 * under it only once expanded (fifty rooms of one trip must not push every other ticket off the
 * screen). `list` is most urgent first.
 */
export function nestRows(list: readonly Ticket[], expanded: ReadonlySet<string> = new Set()): QueueRow[] {
  const byId = new Map(list.map((t) => [t.id, t]));
  const kids = new Map<string, Ticket[]>();
  for (const t of list) {
    if (t.parentId === null || !byId.has(t.parentId)) continue;
    const group = kids.get(t.parentId);
    if (group) group.push(t);
    else kids.set(t.parentId, [t]);
  }
  const rows: QueueRow[] = [];
  const placed = new Set<string>();
  for (const t of list) {
    const head = t.parentId !== null ? (byId.get(t.parentId) ?? t) : t;
    if (placed.has(head.id)) continue;
    placed.add(head.id);
    const group = kids.get(head.id) ?? [];
    // The list is most urgent first: the first member met is the group's most urgent.
    rows.push({ ticket: head, urgent: t, depth: 0, children: group.length, linkedOutside: head.parentId !== null });
    for (const k of group) {
      placed.add(k.id);
      if (expanded.has(head.id)) rows.push({ ticket: k, urgent: k, depth: 1, children: 0, linkedOutside: false });
    }
  }
  return rows;
}

export type DeadlineCounts = Record<Extract<DeadlineState, 'breached' | 'at_risk' | 'on_time'>, number>;

/**
 * How many are overdue, at risk and on time right now (met and deadline-less ones are not
 * counted). Given the queue's rows, an incident counts once, by its most urgent member.
 */
export function deadlineCounts(list: readonly Ticket[], now: number): DeadlineCounts {
  const counts: DeadlineCounts = { breached: 0, at_risk: 0, on_time: 0 };
  for (const t of list) {
    const s = liveState(t, now);
    if (s === 'breached' || s === 'at_risk' || s === 'on_time') counts[s] += 1;
  }
  return counts;
}
