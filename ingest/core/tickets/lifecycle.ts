/**
 * What each ticket type's deadline measures and when it is met, pure. The steps themselves (who,
 * from which status, to which) are the contract in contracts/ticket-lifecycle.ts.
 */
import type { Milestone, TicketStatus, TicketType } from '../../contracts/tickets.ts';

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
