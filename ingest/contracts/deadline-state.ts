/**
 * Whether a ticket is on time (DESIGN.md §2): one definition for the API, which reports it, and
 * the dashboard, which counts it down live between updates. Pure, no clock: `now` is passed in.
 */
import type { DeadlineState } from './tickets.ts';

/** At risk once 75 % of the allowed time is gone (the alerting issue reminds at that point). */
export const AT_RISK_FRACTION = 0.75;

export function deadlineState(t: { openedAt: number; dueAt: number | null; milestoneAt: number | null }, now: number): DeadlineState {
  if (t.dueAt === null) return 'none';
  if (t.milestoneAt !== null) return t.milestoneAt <= t.dueAt ? 'met' : 'breached';
  if (now > t.dueAt) return 'breached';
  if (now >= t.openedAt + (t.dueAt - t.openedAt) * AT_RISK_FRACTION) return 'at_risk';
  return 'on_time';
}
