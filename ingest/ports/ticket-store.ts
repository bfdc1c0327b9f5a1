import type { RuleFact } from '../contracts/rule-facts.ts';
import type { ReportTicket } from '../core/reports/ticket-figures.ts';
import type { Exemption, IntakeChannel, Milestone, Satisfaction, TicketQuery, TicketStatus, TicketType, TimelineData, TimelineEntry } from '../contracts/tickets.ts';
import type { RuleId } from '../contracts/tickets.ts';

/** A ticket as stored: times as epoch ms; the API view is derived from it. */
export interface TicketRecord {
  id: string;
  type: TicketType;
  status: TicketStatus;
  source: 'rule' | 'hotline';
  channel: IntakeChannel | null;
  rule: RuleId | null;
  deviceId: string | null;
  substationId: string | null;
  parentId: string | null;
  description: string;
  facts: RuleFact[] | null;
  address: string | null;
  contact: string | null;
  openedAt: number;
  /** Event time of the condition (rule tickets); null for hotline tickets. */
  eventAt: number | null;
  dueAt: number | null;
  milestone: Milestone | null;
  milestoneAt: number | null;
  exempt: Exemption | null;
  recoveredAt: number | null;
  cause: string | null;
  diagnosedAt: number | null;
  explanation: string | null;
  negotiatingWith: string | null;
  accusedTeam: string | null;
  resolvedAt: number | null;
  callbackDueAt: number | null;
  callbackAt: number | null;
  satisfaction: Satisfaction | null;
  calledNumber: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  closedAt: number | null;
  updatedAt: number;
}

export type NewTicket = Omit<TicketRecord, 'id' | 'updatedAt'>;
export type TimelineInput = { at: number; actor: string; action: string; note: string | null; data?: TimelineData | null };


export interface TicketStore {
  /** Tickets opened in [from, to), or whose callback falls due in it, with when the callback was made. */
  forReport(from: number, to: number): Promise<ReportTicket[]>;
  /**
   * The rooms whose days an engineer found exempt at a resolution (the building, the customer's
   * installation), over [from, to): from when the episode began to when it was resolved (null: not yet).
   */
  foundExemptions(from: number, to: number): Promise<{ deviceId: string; since: number; until: number | null; reason: 'building_envelope' | 'customer_installation' }[]>;
  /** The first time each lifecycle step was taken, for the tickets opened in [from, to). */
  stepTimes(from: number, to: number): Promise<{ ticketId: string; action: string; at: number }[]>;
  /** Inserts, or returns null when the device already has an open ticket for the rule. */
  insert(ticket: NewTicket, entry: TimelineInput): Promise<TicketRecord | null>;
  get(id: string): Promise<TicketRecord | undefined>;
  findOpen(deviceId: string, rule: RuleId): Promise<TicketRecord | undefined>;
  list(query: TicketQuery): Promise<TicketRecord[]>;
  /**
   * Tickets whose id, device, address, contact or description holds `text`, or whose contact
   * holds the `digits` of a phone number however it was typed (spaces, dashes); newest first.
   */
  search(q: { text: string | null; digits: string | null; deviceIds?: readonly string[]; limit: number }): Promise<TicketRecord[]>;
  /** Tickets not closed, for deadline states, correlation and metrics. */
  active(): Promise<TicketRecord[]>;
  /**
   * Writes the patch and logs the entry in one go. `updatedAt` becomes the entry's time, or one
   * millisecond after the ticket's last change when that is later: every change of a ticket has
   * its own, later `updatedAt` (the dashboard keeps the freshest copy by it).
   */
  update(id: string, patch: Partial<TicketRecord>, entry: TimelineInput): Promise<TicketRecord>;
  /**
   * The same, only if the ticket is still as it was read (`updatedAt` unchanged): null when
   * another request or node changed it since — the caller reads it again and decides anew.
   */
  updateIf(id: string, updatedAt: number, patch: Partial<TicketRecord>, entry: TimelineInput): Promise<TicketRecord | null>;
  timeline(id: string): Promise<TimelineEntry[]>;
}
