/**
 * The ticket lifecycle and deadline state, pure: open → acknowledged → on_site → resolved (cause
 * required) → callback_done → closed, one step at a time, and whether a ticket is on time.
 */
import type { Milestone, TicketStatus, TicketType } from '../../contracts/tickets.ts';

export const STEPS = ['acknowledge', 'on_site', 'resolve', 'callback', 'close'] as const;
export type Step = (typeof STEPS)[number];

const NEXT: Record<Step, { from: readonly TicketStatus[]; to: TicketStatus }> = {
  acknowledge: { from: ['open'], to: 'acknowledged' },
  on_site: { from: ['acknowledged'], to: 'on_site' },
  // Not every problem needs a visit (a sensor, a question): resolving from acknowledged is allowed.
  resolve: { from: ['acknowledged', 'on_site'], to: 'resolved' },
  callback: { from: ['resolved'], to: 'callback_done' },
  // A maintenance ticket (sensor offline) has no customer to call back.
  close: { from: ['callback_done', 'resolved'], to: 'closed' },
};

/** The status after `step`, or the reason it is not allowed now. */
export function applyStep(status: TicketStatus, step: Step, type: TicketType): { to: TicketStatus } | { refused: string } {
  const rule = NEXT[step];
  if (step === 'close' && status === 'resolved' && type !== 'sensor_offline') {
    return { refused: 'a customer ticket is closed after the callback (回访)' };
  }
  if (!rule.from.includes(status)) return { refused: `cannot ${step.replace('_', ' ')} a ticket that is ${status.replace('_', ' ')}` };
  return { to: rule.to };
}

/** 服务承诺 二.1(4)/(5), 二.4: what each type's deadline measures. */
export const MILESTONE: Record<TicketType, Milestone | null> = {
  pipeline_accident: 'on_site',
  leak: 'on_site',
  repair: 'on_site',
  heating_quality: 'on_site',
  room_temp_low: 'cause_found',
  temp_drop: 'cause_found',
  inquiry: 'first_reply',
  sensor_offline: null,
};

/** The status at which a milestone counts as reached. */
export function reachesMilestone(milestone: Milestone | null, status: TicketStatus): boolean {
  if (milestone === 'on_site') return status === 'on_site' || status === 'resolved';
  if (milestone === 'cause_found') return status === 'resolved';
  if (milestone === 'first_reply') return status === 'acknowledged' || status === 'resolved';
  if (milestone === 'full_answer') return status === 'resolved';
  return false;
}

export { AT_RISK_FRACTION, deadlineState } from '../../contracts/deadline-state.ts';
