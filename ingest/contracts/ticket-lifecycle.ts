/**
 * The ticket lifecycle, declared once (DESIGN.md §2): each step's URL segment, the statuses it
 * may be taken from, the status it leads to and the roles allowed to take it. The core applies
 * it, the routes are registered from it, and the dashboard offers only the buttons it allows.
 * open → acknowledged → on_site → resolved (cause required) → callback_done → closed.
 */
import type { TicketStatus, TicketType } from './tickets.ts';
import { DISPATCH_ROLES as DISPATCH, STAFF_ROLES as STAFF, type Role } from './users.ts';

export const STEPS = ['acknowledge', 'on_site', 'resolve', 'callback', 'close'] as const;
export type Step = (typeof STEPS)[number];

export interface StepRule {
  /** POST /api/tickets/:id/<path>. */
  path: string;
  from: readonly TicketStatus[];
  to: TicketStatus;
  roles: readonly Role[];
}

export const STEP_RULES: Record<Step, StepRule> = {
  acknowledge: { path: 'acknowledge', from: ['open'], to: 'acknowledged', roles: STAFF },
  on_site: { path: 'on-site', from: ['acknowledged'], to: 'on_site', roles: STAFF },
  // Not every problem needs a visit (a sensor, a question): resolving from acknowledged is allowed.
  resolve: { path: 'resolve', from: ['acknowledged', 'on_site'], to: 'resolved', roles: STAFF },
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
export const INCIDENT_STEPS: readonly Step[] = ['acknowledge', 'on_site', 'resolve'];

export interface StepSubject {
  status: TicketStatus;
  type: TicketType;
  /** `correlation`: a substation incident, whose customers are its rooms' households. */
  rule?: string | null;
}

/**
 * No one customer to call back, so it closes straight from resolved: a maintenance ticket, and a
 * substation incident (each of its room tickets gets its own callback).
 */
export const closesWithoutCallback = (t: Pick<StepSubject, 'type' | 'rule'>): boolean => t.type === 'sensor_offline' || t.rule === 'correlation';

/** The status after `step`, or the reason it is not allowed now (roles aside). */
export function applyStep(t: StepSubject, step: Step): { to: TicketStatus } | { refused: string } {
  const rule = STEP_RULES[step];
  if (step === 'close' && t.status === 'resolved' && !closesWithoutCallback(t)) {
    return { refused: 'a customer ticket is closed after the callback (回访)' };
  }
  if (step === 'callback' && closesWithoutCallback(t)) return { refused: 'no one customer to call back here (a maintenance ticket, or an incident whose rooms are called one by one): close it' };
  if (!rule.from.includes(t.status)) return { refused: `cannot ${step.replace('_', ' ')} a ticket that is ${t.status.replace('_', ' ')}` };
  return { to: rule.to };
}

/** The steps `role` may take on a ticket now, in lifecycle order. */
export function availableSteps(t: StepSubject, role: Role): Step[] {
  return STEPS.filter((step) => STEP_RULES[step].roles.includes(role) && 'to' in applyStep(t, step));
}
