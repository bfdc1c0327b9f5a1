import { describe, expect, it } from 'vitest';
import { roundBody, ticketWantsVisit, type RoundDraft } from './visit-planning.ts';

const draft = (over: Partial<RoundDraft> = {}): RoundDraft => ({ date: '2026-12-10', staff: '张工，李工', startAt: '09:00', minutesEach: '20', ...over });

describe('planning visits from a ticket and a substation', () => {
  it('offers a visit on a customer complaint still being worked, not on a sensor or a closed one', () => {
    expect(ticketWantsVisit({ type: 'heating_quality', status: 'open' })).toBe(true);
    expect(ticketWantsVisit({ type: 'room_temp_low', status: 'on_site' })).toBe(true);
    expect(ticketWantsVisit({ type: 'heating_quality', status: 'resolved' })).toBe(false);
    expect(ticketWantsVisit({ type: 'heating_quality', status: 'closed' })).toBe(false);
    expect(ticketWantsVisit({ type: 'sensor_offline', status: 'open' })).toBe(false);
    expect(ticketWantsVisit({ type: 'inquiry', status: 'open' })).toBe(false);
  });

  it('sends a round only with a date, two staff, a day-time start and sensible minutes', () => {
    expect(roundBody('S-1', draft())).toEqual({ body: { substationId: 'S-1', date: '2026-12-10', staff: ['张工', '李工'], startAt: '09:00', minutesEach: 20 } });
    expect(roundBody('S-1', draft({ date: '' }))).toEqual({ error: 'round.error.date' });
    expect(roundBody('S-1', draft({ staff: '张工' }))).toEqual({ error: 'visit.error.staff' });
    expect(roundBody('S-1', draft({ startAt: '06:59' }))).toEqual({ error: 'round.error.startAt' });
    expect(roundBody('S-1', draft({ startAt: '20:00' }))).toEqual({ error: 'round.error.startAt' });
    expect(roundBody('S-1', draft({ startAt: '19:59' }))).toMatchObject({ body: { startAt: '19:59' } });
    expect(roundBody('S-1', draft({ minutesEach: '2' }))).toEqual({ error: 'round.error.minutes' });
    expect(roundBody('S-1', draft({ minutesEach: '12.5' }))).toEqual({ error: 'round.error.minutes' });
  });
});
