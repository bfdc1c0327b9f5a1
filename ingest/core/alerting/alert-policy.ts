/**
 * Who is told what, and when (issue 6). Per ticket type: whether the on-duty engineers are paged
 * when it opens, after how long without an acknowledgement the duty manager is called
 * (escalation), and the reminders before and at the deadline. Pure: plans alerts for a ticket;
 * the alerting service stores the plan and sends it.
 *
 * The delays are the company's to set; the defaults follow the deadlines (DESIGN.md §2): a
 * main-pipe accident must have an engineer on site in 30 min, so nobody reacting in 5 min is
 * already a manager's problem.
 */
import { z } from 'zod';
import type { Ticket, TicketType } from '../../contracts/tickets.ts';
import { TICKET_TYPES } from '../../contracts/tickets.ts';

const typePolicy = z
  .object({
    /** Page the on-duty engineers when the ticket opens. */
    page: z.boolean(),
    /**
     * Hold the page this long: a cold room has 8 h, and when its whole substation is going
     * cold the rooms are linked under one incident meanwhile, which pages once for all of them.
     */
    pageAfterMin: z.number().min(0).max(120).default(0),
    /** Call the duty manager when still not acknowledged this long after opening; null: never. */
    escalateAfterMin: z.number().positive().max(24 * 60).nullable(),
  })
  .strict();

/** Per type: the defaults follow the deadlines (DESIGN.md §2). */
const DEFAULT_TYPES = {
  pipeline_accident: { page: true, pageAfterMin: 0, escalateAfterMin: 5 }, // 服务承诺 二.1(5): on site in 30 min
  substation_fault: { page: true, pageAfterMin: 0, escalateAfterMin: 10 }, // on site in 1 h, before the rooms go cold
  leak: { page: true, pageAfterMin: 0, escalateAfterMin: 10 }, // 二.4(5): on site in 1 h
  repair: { page: true, pageAfterMin: 0, escalateAfterMin: 15 }, // 四.3: on site in 1 h
  heating_quality: { page: true, pageAfterMin: 0, escalateAfterMin: 20 }, // 二.4(5): 2 h (5 h in the first 10 days)
  room_temp_low: { page: true, pageAfterMin: 10, escalateAfterMin: 60 }, // 二.1(4): cause within 8 h
  temp_drop: { page: true, pageAfterMin: 10, escalateAfterMin: 60 }, // 二.1(4): cause within 8 h
  inquiry: { page: false, pageAfterMin: 0, escalateAfterMin: 15 }, // 二.4(2): dispatch answers within 30 min
  // 一.5: a complaint about staff goes to the duty managers only, never to the team it accuses.
  staff_complaint: { page: true, pageAfterMin: 0, escalateAfterMin: 15 },
  suggestion: { page: false, pageAfterMin: 0, escalateAfterMin: null }, // recorded and answered by dispatch
  sensor_offline: { page: false, pageAfterMin: 0, escalateAfterMin: null }, // maintenance queue
  sensor_calibration: { page: false, pageAfterMin: 0, escalateAfterMin: null }, // maintenance queue
} satisfies Record<TicketType, z.output<typeof typePolicy>>;

export const alertPolicySchema = z
  .object({
    /** Every type; a policy saved before a type existed gets that type's default. */
    types: z.preprocess(
      (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...DEFAULT_TYPES, ...v } : v),
      z.record(z.enum(TICKET_TYPES), typePolicy),
    ),
    /** Remind the engineers once this share of the time to the deadline is gone (0.75 = at risk). */
    remindAtFraction: z.number().gt(0).lt(1).nullable().default(0.75),
    /** Tell engineers and the manager when the deadline passes with the milestone not reached. */
    atBreach: z.boolean().default(true),
    /**
     * Callbacks (回访, 3 working days after the resolution): remind the duty managers at
     * `remindAtFraction` of the time and tell them when it is late, until dispatch has called.
     */
    callbacks: z.boolean().default(true),
  })
  .strict();

export type AlertPolicy = z.output<typeof alertPolicySchema>;

export const DEFAULT_ALERT_POLICY: AlertPolicy = {
  types: DEFAULT_TYPES,
  remindAtFraction: 0.75,
  atBreach: true,
  callbacks: true,
};

import { ALERT_KINDS, type AlertKind } from '../../contracts/tickets.ts';

export { ALERT_KINDS, type AlertKind };

export interface PlannedAlert {
  kind: AlertKind;
  /** Epoch ms when it is due. */
  at: number;
}

/**
 * The alerts a newly opened ticket gets. A room ticket linked under a substation incident gets
 * none of its own: the incident pages once for all its rooms.
 */
export function planAlerts(t: Pick<Ticket, 'type' | 'openedAt' | 'dueAt' | 'parentId' | 'exempt'>, policy: AlertPolicy): PlannedAlert[] {
  if (t.parentId !== null) return [];
  const p = policy.types[t.type];
  const opened = Date.parse(t.openedAt);
  const plan: PlannedAlert[] = [];
  if (p?.page) plan.push({ kind: 'page', at: opened + (p.pageAfterMin ?? 0) * 60_000 });
  if (p?.escalateAfterMin != null) plan.push({ kind: 'escalation', at: opened + p.escalateAfterMin * 60_000 });
  if (t.dueAt !== null && p?.page) {
    const due = Date.parse(t.dueAt);
    if (policy.remindAtFraction !== null) plan.push({ kind: 'reminder', at: opened + (due - opened) * policy.remindAtFraction });
    if (policy.atBreach) plan.push({ kind: 'breach', at: due });
  }
  return plan;
}

export const isCallbackAlert = (kind: AlertKind): boolean => kind === 'callback_reminder' || kind === 'callback_breach';

/**
 * The alerts of a resolved ticket's callback: a reminder at the same share of the time as other
 * deadlines, and one when it is late. None without a callback due, or with callbacks turned off.
 */
export function planCallbackAlerts(t: Pick<Ticket, 'resolvedAt' | 'callbackDueAt'>, policy: AlertPolicy): PlannedAlert[] {
  if (!policy.callbacks || t.resolvedAt === null || t.callbackDueAt === null) return [];
  const resolved = Date.parse(t.resolvedAt);
  const due = Date.parse(t.callbackDueAt);
  const plan: PlannedAlert[] = [];
  if (policy.remindAtFraction !== null) plan.push({ kind: 'callback_reminder', at: resolved + (due - resolved) * policy.remindAtFraction });
  if (policy.atBreach) plan.push({ kind: 'callback_breach', at: due });
  return plan;
}

/** Whether a planned alert still has a reason to go out, given the ticket as it is now. */
export function stillDue(kind: AlertKind, t: Pick<Ticket, 'status' | 'milestoneAt' | 'parentId'>): boolean {
  if (t.status === 'closed') return false;
  switch (kind) {
    // Waiting for dispatch to call the customer back (a linked room ticket has its own customer).
    case 'callback_reminder':
    case 'callback_breach':
      return t.status === 'resolved';
    // Linked under an incident after it opened: the incident's alerts speak for it.
    case 'page':
    case 'escalation':
      return t.parentId === null && t.status === 'open';
    case 'reminder':
    case 'breach':
      return t.parentId === null && t.milestoneAt === null;
    // Sent when dispatch gives it to someone, never planned ahead.
    case 'assignment':
      return true;
  }
}
