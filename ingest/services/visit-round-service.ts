/**
 * 定期走访 (issue 16): a round of visits through every household of a substation on one day, by
 * the same staff. The times come from the pure planner (core/visits/plan-round.ts); each visit
 * is then planned like any other, so every rule of a single visit holds for a round's too.
 */
import { DAY_MS, localDateOf, localMidnight } from '../contracts/beijing-time.ts';
import type { Device } from '../contracts/devices.ts';
import type { Household } from '../contracts/households.ts';
import type { VisitRound, VisitRoundInput } from '../contracts/visits.ts';
import { planRound, roundProblems } from '../core/visits/plan-round.ts';
import { staffProblems } from '../core/visits/visit-rules.ts';
import { AppError } from '../errors.ts';
import type { VisitService } from './visit-service.ts';

export interface VisitRoundDeps {
  /** Every household the substation feeds. */
  householdsOf: (substationId: string) => Promise<Household[]>;
  device: (id: string) => Pick<Device, 'kind'> | undefined;
  visits: Pick<VisitService, 'plan' | 'scheduled'>;
  clock?: () => number;
}

export function createVisitRounds({ householdsOf, device, visits, clock = Date.now }: VisitRoundDeps) {
  return {
    async round(input: VisitRoundInput, actor: string): Promise<VisitRound> {
      const station = device(input.substationId);
      if (!station) throw new AppError('HW_NOT_FOUND', `no substation ${input.substationId}`);
      if (station.kind !== 'substation') throw new AppError('HW_BAD_REQUEST', `substationId: ${input.substationId} is a room sensor, not a substation`);
      const problems = [...staffProblems(input.staff), ...roundProblems(input)];
      if (input.date < localDateOf(clock())) problems.push(`date: ${input.date} is over; a round is planned for today or a later day`);
      if (problems.length > 0) throw new AppError('HW_BAD_REQUEST', problems.join('; '));

      const dayStart = localMidnight(input.date);
      const visited = new Set((await visits.scheduled(dayStart, dayStart + DAY_MS)).map((v) => v.householdId));
      const plan = planRound(await householdsOf(input.substationId), visited, input);
      const staff = [...new Set(input.staff.map((s) => s.trim()))];
      const planned = [];
      for (const s of plan.slots) planned.push(await visits.plan({ householdId: s.householdId, scheduledAt: s.at, staff, customerAskedForNight: false, note: '' }, actor));
      return { planned, skipped: plan.skipped };
    },
  };
}

export type VisitRounds = ReturnType<typeof createVisitRounds>;
