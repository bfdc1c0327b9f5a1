/**
 * The ticket lifecycle, declared once (DESIGN.md §2): each step's URL segment, the statuses it
 * may be taken from, the status it leads to and the roles allowed to take it. The core applies
 * it, the routes are registered from it, and the dashboard offers only the buttons it allows.
 * open → acknowledged → on_site → resolved (cause required) → callback_done → closed; on the way
 * the cause may be found (diagnose, the 8 h milestone of a cold room, status unchanged) and a very
 * complex matter handed to the department that settles it with the customer (negotiating).
 */
import type { TicketStatus, TicketType } from './tickets.ts';
import { DISPATCH_ROLES as DISPATCH, STAFF_ROLES as STAFF, type Role } from './users.ts';

export const STEPS = ['acknowledge', 'diagnose', 'on_site', 'negotiate', 'resolve', 'callback', 'close'] as const;
export type Step = (typeof STEPS)[number];

export interface StepRule {
  /** POST /api/tickets/:id/<path>. */
  path: string;
  from: readonly TicketStatus[];
  /** null: the status stays (a milestone reached on the way, e.g. the cause found). */
  to: TicketStatus | null;
  roles: readonly Role[];
}

export const STEP_RULES: Record<Step, StepRule> = {
  acknowledge: { path: 'acknowledge', from: ['open'], to: 'acknowledged', roles: STAFF },
  // 服务承诺 二.1(4): the cause found within 8 h and explained; the repair may take longer.
  diagnose: { path: 'diagnose', from: ['acknowledged', 'on_site'], to: null, roles: STAFF },
  on_site: { path: 'on-site', from: ['acknowledged'], to: 'on_site', roles: STAFF },
  // 服务承诺 二.4(4): 特别复杂的问题 — after investigation, settled with the customer by the department.
  negotiate: { path: 'negotiate', from: ['acknowledged', 'on_site'], to: 'negotiating', roles: DISPATCH },
  // Not every problem needs a visit (a sensor, a question): resolving from acknowledged is allowed.
  resolve: { path: 'resolve', from: ['acknowledged', 'on_site', 'negotiating'], to: 'resolved', roles: STAFF },
  // 服务承诺 二.1(7): the callback (回访) is the dispatcher's.
  callback: { path: 'callback', from: ['resolved'], to: 'callback_done', roles: DISPATCH },
  // A maintenance ticket (sensor offline) has no customer to call back: it closes from resolved.
  close: { path: 'close', from: ['callback_done', 'resolved'], to: 'closed', roles: DISPATCH },
};

/**
 * The steps a substation incident (a correlation ticket) takes for its linked room tickets too:
 * one acknowledgement, one arrival, one cause for the whole substation. Callbacks and closing stay
 * per room: each customer is called.
 */
export const INCIDENT_STEPS: readonly Step[] = ['acknowledge', 'diagnose', 'on_site', 'resolve'];

export interface StepSubject {
  status: TicketStatus;
  type: TicketType;
  /** `correlation`: a substation incident, whose customers are its rooms' households. */
  rule?: string | null;
  /** What its deadline measures (a complex inquiry's is the full answer). */
  milestone?: string | null;
  /** When the cause was found (diagnose is taken once). */
  diagnosedAt?: string | number | null;
}

/** Types whose commitment is finding the cause (服务承诺 二.1(4)): they take the diagnose step. */
export const DIAGNOSED_TYPES: readonly TicketType[] = ['room_temp_low', 'temp_drop'];
/** 二.4(4) is about complaints and questions: a complex inquiry, a staff complaint, a suggestion. */
const NEGOTIABLE_TYPES: readonly TicketType[] = ['inquiry', 'staff_complaint', 'suggestion'];

/**
 * No one customer to call back, so it closes straight from resolved: a maintenance ticket, and a
 * substation incident (each of its room tickets gets its own callback).
 */
export const closesWithoutCallback = (t: Pick<StepSubject, 'type' | 'rule'>): boolean =>
  t.type === 'sensor_offline' || t.type === 'sensor_calibration' || t.type === 'suggestion' || isIncident(t) || t.rule === 'substation_leak';

/** A substation-level incident whose customers are its rooms' households: rooms gone cold together, or a fault seen first. */
export const isIncident = (t: Pick<StepSubject, 'rule'>): boolean => t.rule === 'correlation' || t.rule === 'substation_fault';

/** The status after `step`, or the reason it is not allowed now (roles aside). */
export function applyStep(t: StepSubject, step: Step): { to: TicketStatus } | { refused: string } {
  const rule = STEP_RULES[step];
  if (step === 'diagnose') {
    if (!DIAGNOSED_TYPES.includes(t.type)) return { refused: `diagnose applies to ${DIAGNOSED_TYPES.join(' and ')} tickets, whose commitment is finding the cause` };
    if (t.diagnosedAt != null) return { refused: 'the cause of this ticket was already found' };
  }
  if (step === 'negotiate' && !(NEGOTIABLE_TYPES.includes(t.type) && (t.type !== 'inquiry' || t.milestone === 'full_answer'))) {
    return { refused: 'negotiation is for a complex inquiry (marked complex first), a staff complaint or a suggestion' };
  }
  if (step === 'close' && t.status === 'resolved' && !closesWithoutCallback(t)) {
    return { refused: 'a customer ticket is closed after the callback (回访)' };
  }
  if (step === 'callback' && closesWithoutCallback(t)) return { refused: 'no one customer to call back here (a maintenance ticket, or an incident whose rooms are called one by one): close it' };
  if (!rule.from.includes(t.status)) return { refused: `cannot ${step.replace('_', ' ')} a ticket that is ${t.status.replace('_', ' ')}` };
  return { to: rule.to ?? t.status };
}

/** The steps `role` may take on a ticket now, in lifecycle order. */
export function availableSteps(t: StepSubject, role: Role): Step[] {
  return STEPS.filter((step) => STEP_RULES[step].roles.includes(role) && 'to' in applyStep(t, step));
}
