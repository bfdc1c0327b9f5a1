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

/** A maintenance ticket has no customer to call back, so it closes straight from resolved. */
export const closesWithoutCallback = (type: TicketType): boolean => type === 'sensor_offline';

/** The status after `step`, or the reason it is not allowed now (roles aside). */
export function applyStep(status: TicketStatus, step: Step, type: TicketType): { to: TicketStatus } | { refused: string } {
  const rule = STEP_RULES[step];
  if (step === 'close' && status === 'resolved' && !closesWithoutCallback(type)) {
    return { refused: 'a customer ticket is closed after the callback (回访)' };
  }
  if (step === 'callback' && closesWithoutCallback(type)) return { refused: 'a maintenance ticket has no customer to call back: close it' };
  if (!rule.from.includes(status)) return { refused: `cannot ${step.replace('_', ' ')} a ticket that is ${status.replace('_', ' ')}` };
  return { to: rule.to };
}

/** The steps `role` may take on a ticket now, in lifecycle order. */
export function availableSteps(t: { status: TicketStatus; type: TicketType }, role: Role): Step[] {
  return STEPS.filter((step) => STEP_RULES[step].roles.includes(role) && 'to' in applyStep(t.status, step, t.type));
}
