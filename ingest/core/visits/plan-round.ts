/**
 * 定期走访, pure: the times of a round of visits through a substation's households on one Beijing
 * day — one after another, `minutesEach` apart from the start, in the order of their addresses
 * (a round walks building by building). A household visited or to be visited that day is
 * skipped; a visit that would run into 20:00 is not planned (尽量不安排夜间走访): the round stops
 * there and says which households did not fit.
 */
import { localMidnight, type LocalDate } from '../../contracts/beijing-time.ts';
import { NIGHT_FROM_HOUR, NIGHT_TO_HOUR, type RoundSkipReason } from '../../contracts/visits.ts';

const MINUTE_MS = 60_000;

export interface RoundRequest {
  date: LocalDate;
  /** 'HH:MM', Beijing time. */
  startAt: string;
  minutesEach: number;
}

export interface RoundPlan {
  slots: { householdId: string; at: number }[];
  skipped: { householdId: string; reason: RoundSkipReason }[];
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Why a round cannot start so; empty when it can. */
export function roundProblems(r: Pick<RoundRequest, 'startAt'>): string[] {
  const start = minutesOf(r.startAt);
  const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return start < NIGHT_TO_HOUR * 60 || start >= NIGHT_FROM_HOUR * 60 ? [`startAt: a round starts between ${hour(NIGHT_TO_HOUR)} and ${hour(NIGHT_FROM_HOUR)} Beijing time, not ${r.startAt}`] : [];
}

/** Addresses in the order a person walks them: 2-1-301 before 10-1-101. */
const byAddress = (a: { id: string; address: string }, b: { id: string; address: string }) =>
  a.address.localeCompare(b.address, 'zh-CN', { numeric: true }) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The round's visits. `visited`: households with a planned or done visit that day. Each visit
 * must end by 20:00; the first household that does not fit ends the round, and every one after
 * it is reported as not fitting either.
 */
export function planRound(households: readonly { id: string; address: string }[], visited: ReadonlySet<string>, r: RoundRequest): RoundPlan {
  const dayStart = localMidnight(r.date);
  const nightFrom = dayStart + NIGHT_FROM_HOUR * 60 * MINUTE_MS;
  const plan: RoundPlan = { slots: [], skipped: [] };
  let next = dayStart + minutesOf(r.startAt) * MINUTE_MS;
  for (const h of [...households].sort(byAddress)) {
    if (visited.has(h.id)) {
      plan.skipped.push({ householdId: h.id, reason: 'already_visited' });
    } else if (next + r.minutesEach * MINUTE_MS > nightFrom) {
      plan.skipped.push({ householdId: h.id, reason: 'no_time_before_night' });
    } else {
      plan.slots.push({ householdId: h.id, at: next });
      next += r.minutesEach * MINUTE_MS;
    }
  }
  return plan;
}
