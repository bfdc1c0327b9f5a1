/**
 * When a ticket is due (DESIGN.md §2; 服务承诺). Deadlines run on wall-clock time from when the
 * ticket was opened; the season decides the heating-quality deadline and the working-day
 * calendar the callback.
 */
import type { TicketType } from '../../contracts/tickets.ts';
import type { RulesConfig } from '../rules/rules-config.ts';
import { isInFirstDaysOfSeason } from './heating-season.ts';
import { addWorkingDays, type WorkdayCalendar } from './working-days.ts';

const MINUTE_MS = 60_000;

/** The deadline in minutes for a ticket opened at `openedAtMs`, or null when it has none. */
export function deadlineMinutes(ticketType: TicketType, openedAtMs: number, config: RulesConfig): number | null {
  const d = config.deadlines;
  switch (ticketType) {
    case 'heating_quality':
      // 服务承诺 二.4(5): 5 h within the first 10 days after the season starts, else 2 h.
      return isInFirstDaysOfSeason(openedAtMs, config.season) ? d.heating_quality.firstDaysMin : d.heating_quality.otherMin;
    default:
      return d[ticketType];
  }
}

/** When the ticket's milestone is due (epoch ms), or null for no deadline (sensor_offline). */
export function dueAt(ticketType: TicketType, openedAtMs: number, config: RulesConfig): number | null {
  const minutes = deadlineMinutes(ticketType, openedAtMs, config);
  return minutes === null ? null : openedAtMs + minutes * MINUTE_MS;
}

/**
 * 服务承诺 二.4(3): "对于复杂问题,不能立即处理的,将在半小时内给用户说明情况,并在五日内给用户回复":
 * once the first reply said the question is complex, the full answer is due five days after
 * the call.
 */
export function complexAnswerDueAt(openedAtMs: number, config: RulesConfig): number {
  return openedAtMs + config.deadlines.inquiry_complex_answer * MINUTE_MS;
}

/**
 * 服务承诺 二.1(7): the customer is called back within 3 working days of the service: due at
 * the end (23:59:59.999 +08:00) of the 3rd working day after the day it was resolved.
 */
export function callbackDueAt(resolvedAtMs: number, calendar: WorkdayCalendar, config: RulesConfig): number {
  return addWorkingDays(resolvedAtMs, config.callback.workingDays, calendar);
}
