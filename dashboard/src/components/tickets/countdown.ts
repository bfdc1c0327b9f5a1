/**
 * A ticket's deadline as the dispatcher reads it, live: the state is recomputed from the clock
 * (the server's `deadlineState` is only as fresh as the last update) with the same definition
 * the API uses, so "at risk" turns amber at 75 % of the allowed time on every screen at once.
 */
import type { DeadlineState, Ticket } from '../../../../ingest/contracts/tickets.ts';
import { deadlineState } from '../../../../ingest/contracts/deadline-state.ts';
import type { I18n } from '../../lib/i18n/i18n.svelte.ts';

type Deadline = Pick<Ticket, 'openedAt' | 'dueAt' | 'milestoneAt'>;

export function liveState(t: Deadline, now: number): DeadlineState {
  return deadlineState({ openedAt: Date.parse(t.openedAt), dueAt: t.dueAt === null ? null : Date.parse(t.dueAt), milestoneAt: t.milestoneAt === null ? null : Date.parse(t.milestoneAt) }, now);
}

/** The callback as a deadline of its own: from the resolution to its due time, met when called. */
export const callbackDeadline = (t: Pick<Ticket, 'resolvedAt' | 'callbackDueAt' | 'callbackAt'>): Deadline => ({
  openedAt: t.resolvedAt ?? t.callbackDueAt ?? new Date(0).toISOString(),
  dueAt: t.callbackDueAt,
  milestoneAt: t.callbackAt,
});

export interface Countdown {
  state: DeadlineState;
  /** What to say: time left, time over, or how the milestone went. */
  kind: 'left' | 'over' | 'met' | 'late' | 'none';
  /** Time left or over, for 'left' and 'over'. */
  ms: number;
}

export function countdown(t: Deadline, now: number): Countdown {
  const state = liveState(t, now);
  if (t.dueAt === null) return { state, kind: 'none', ms: 0 };
  if (t.milestoneAt !== null) return { state, kind: state === 'met' ? 'met' : 'late', ms: 0 };
  const left = Date.parse(t.dueAt) - now;
  return left >= 0 ? { state, kind: 'left', ms: left } : { state, kind: 'over', ms: -left };
}

/** "剩余 1 小时 05 分" / "超时 12 分 30 秒" / "已按时完成". */
export function countdownText(c: Countdown, i18n: Pick<I18n, 't' | 'duration'>): string {
  switch (c.kind) {
    case 'left':
      return i18n.t('tickets.dueIn', { time: i18n.duration(c.ms) });
    case 'over':
      return i18n.t('tickets.overdue', { time: i18n.duration(c.ms) });
    case 'met':
      return i18n.t('tickets.met');
    case 'late':
      return i18n.t('tickets.breachedDone');
    case 'none':
      return i18n.t('tickets.noDeadline');
  }
}

/** Colour class per state: green on time, amber at risk, red breached, neutral otherwise. */
export const DEADLINE_TONE: Record<DeadlineState, 'good' | 'warn' | 'bad' | 'neutral'> = {
  on_time: 'good',
  at_risk: 'warn',
  breached: 'bad',
  met: 'neutral',
  none: 'neutral',
};
