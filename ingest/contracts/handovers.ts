/**
 * 交接班 (issue 15, part 5): at a shift change the outgoing dispatcher hands over what is open —
 * incidents, tickets with their deadlines, what was promised to which customer, stops in
 * progress — and the incoming one acknowledges it. The sheet is kept as it was produced: the
 * record shows what was handed over even after the tickets moved on.
 */
import { z } from 'zod';
import type { OutageKind, OutageStatus } from './outages.ts';
import { mayReadTicket, type DeadlineState, type Milestone, type TicketStatus, type TicketType } from './tickets.ts';

export const produceHandoverSchema = z.object({ note: z.string().trim().max(2000).default('') }).strict();
export const acknowledgeHandoverSchema = z.object({ note: z.string().trim().max(2000).default('') }).strict();

/** An open ticket or incident on the sheet, with its next deadline. */
export interface HandoverTicket {
  id: string;
  type: TicketType;
  status: TicketStatus;
  /** The room's or substation's name, or the caller's address. */
  place: string;
  assignee: string | null;
  milestone: Milestone | null;
  dueAt: string | null;
  deadlineState: DeadlineState;
  /** An incident's open room tickets. */
  rooms: number;
}

/**
 * What was promised to a customer who called and is still owed: the callback of a resolved
 * ticket, or the caller's open ticket's next commitment (someone on site, the cause found, the
 * first reply or the full answer to an inquiry).
 */
export interface HandoverPromise {
  ticketId: string;
  kind: Milestone | 'callback';
  /** Whom: the caller's contact, or the place when no one is named. */
  to: string;
  dueAt: string;
  state: DeadlineState;
}

export interface HandoverStop {
  id: number;
  substation: string;
  /** The areas it feeds as customers know them (春华小区 1–6 号楼); absent on sheets kept before it was listed. */
  areas?: string | null;
  kind: OutageKind;
  status: OutageStatus;
  startsAt: string;
  /** Heat back by then; null when still unknown (an unplanned stop). */
  endsAt: string | null;
  reason: string;
  households: number;
  /** Households told so far, and notices that failed. */
  told: number;
  failed: number;
}

export interface HandoverSheet {
  incidents: HandoverTicket[];
  tickets: HandoverTicket[];
  promises: HandoverPromise[];
  stops: HandoverStop[];
}

/**
 * The sheet as `role` may read it: a complaint about staff (一.5) and what was promised on it
 * are left out for whoever may not read such tickets.
 */
export function sheetAsReadBy(sheet: HandoverSheet, role: string): HandoverSheet {
  const hidden = new Set([...sheet.incidents, ...sheet.tickets].filter((t) => !mayReadTicket(role, t)).map((t) => t.id));
  if (hidden.size === 0) return sheet;
  return { ...sheet, incidents: sheet.incidents.filter((t) => !hidden.has(t.id)), tickets: sheet.tickets.filter((t) => !hidden.has(t.id)), promises: sheet.promises.filter((p) => !hidden.has(p.ticketId)) };
}

export interface Person {
  username: string;
  name: string;
}

export interface Handover {
  id: number;
  createdAt: string;
  from: Person;
  note: string;
  sheet: HandoverSheet;
  acknowledgedAt: string | null;
  acknowledgedBy: Person | null;
  ackNote: string | null;
}
