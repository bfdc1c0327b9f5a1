/**
 * What each ticket type's deadline measures and when it is met, pure. The steps themselves (who,
 * from which status, to which) are the contract in contracts/ticket-lifecycle.ts.
 */
import type { Milestone, TicketStatus, TicketType } from '../../contracts/tickets.ts';

/** 服务承诺 二.1(4)/(5), 二.4: what each type's deadline measures. */
export const MILESTONE: Record<TicketType, Milestone | null> = {
  pipeline_accident: 'on_site',
  substation_fault: 'on_site',
  leak: 'on_site',
  repair: 'on_site',
  heating_quality: 'on_site',
  room_temp_low: 'cause_found',
  temp_drop: 'cause_found',
  inquiry: 'first_reply',
  // 服务承诺 二.4(2): a complaint is answered within half an hour, like any call.
  staff_complaint: 'first_reply',
  // 五.10: thanked and recorded; no deadline of its own.
  suggestion: null,
  sensor_offline: null,
  sensor_calibration: null,
};

/** The status at which a milestone counts as reached. */
export function reachesMilestone(milestone: Milestone | null, status: TicketStatus): boolean {
  if (milestone === 'on_site') return status === 'on_site' || status === 'resolved';
  if (milestone === 'cause_found') return status === 'resolved';
  if (milestone === 'first_reply') return status === 'acknowledged' || status === 'resolved';
  // 二.4(4): handing a very complex matter to the department that settles it is the answer.
  if (milestone === 'full_answer') return status === 'negotiating' || status === 'resolved';
  return false;
}
