/** 定期走访's planner, pure (core/visits/plan-round.ts): table tests on fixed dates. */
import { describe, expect, it } from 'vitest';
import { formatBeijing } from '../ingest/contracts/beijing-time.ts';
import { planRound, roundProblems, type RoundRequest } from '../ingest/core/visits/plan-round.ts';

const homes = (...addresses: string[]) => addresses.map((address, i) => ({ id: `H-${i + 1}`, address }));
const times = (p: ReturnType<typeof planRound>) => p.slots.map((s) => `${s.householdId}@${formatBeijing(s.at).slice(11, 16)}`);
const round = (over: Partial<RoundRequest> = {}): RoundRequest => ({ date: '2026-12-10', startAt: '09:00', minutesEach: 20, ...over });

describe('planRound', () => {
  it.each([
    ['spaced from the start', homes('A 1', 'A 2', 'A 3'), [], round(), ['H-1@09:00', 'H-2@09:20', 'H-3@09:40'], []],
    ['in the order of the addresses, numbers as numbers', homes('幸福小区 10-1-101', '幸福小区 2-1-101', '幸福小区 2-1-11'), [], round(), ['H-3@09:00', 'H-2@09:20', 'H-1@09:40'], []],
    ['the visited skipped without taking a slot', homes('A 1', 'A 2', 'A 3'), ['H-2'], round({ minutesEach: 30 }), ['H-1@09:00', 'H-3@09:30'], [['H-2', 'already_visited']]],
    ['a visit ending at 20:00 fits', homes('A 1', 'A 2'), [], round({ startAt: '19:20', minutesEach: 20 }), ['H-1@19:20', 'H-2@19:40'], []],
    ['one ending after 20:00 does not, nor any after it', homes('A 1', 'A 2', 'A 3'), [], round({ startAt: '19:05', minutesEach: 25 }), ['H-1@19:05', 'H-2@19:30'], [['H-3', 'no_time_before_night']]],
    ['a visited one after the cutoff is still said visited', homes('A 1', 'A 2', 'A 3'), ['H-3'], round({ startAt: '19:30', minutesEach: 30 }), ['H-1@19:30'], [['H-2', 'no_time_before_night'], ['H-3', 'already_visited']]],
    ['nobody to visit', [], [], round(), [], []],
  ] as const)('%s', (_name, households, visited, request, slots, skipped) => {
    const plan = planRound(households, new Set(visited), request);
    expect(times(plan)).toEqual(slots);
    expect(plan.skipped.map((s) => [s.householdId, s.reason])).toEqual(skipped);
  });

  it('plans on the Beijing day asked for, whatever the time zone of the machine', () => {
    const [first] = planRound(homes('A 1'), new Set(), round({ date: '2027-01-01', startAt: '07:00' })).slots;
    expect(new Date(first!.at).toISOString()).toBe('2026-12-31T23:00:00.000Z');
  });
});

describe('roundProblems', () => {
  it.each([
    ['07:00', []],
    ['19:59', []],
    ['06:59', ['startAt: a round starts between 07:00 and 20:00 Beijing time, not 06:59']],
    ['20:00', ['startAt: a round starts between 07:00 and 20:00 Beijing time, not 20:00']],
    ['23:30', ['startAt: a round starts between 07:00 and 20:00 Beijing time, not 23:30']],
  ])('starting at %s', (startAt, problems) => {
    expect(roundProblems({ startAt })).toEqual(problems);
  });
});
