/** The report's figures, pure: room-days and their compliance, tickets' closure and timeliness, callbacks. */
import { describe, expect, it } from 'vitest';
import { judgeRoomDays, type DailyMean, type RoomDayInput } from '../ingest/core/reports/room-days.ts';
import { ticketFigures, type ReportTicket } from '../ingest/core/reports/ticket-figures.ts';

const base: RoomDayInput = {
  rooms: [
    { id: 'R1', substationId: 'S1' },
    { id: 'R2', substationId: 'S1' },
    { id: 'R3', substationId: 'S2' },
  ],
  days: ['2026-12-01', '2026-12-02'],
  roomMeans: [],
  outdoorMeans: [],
  stops: [],
  foundExempt: [],
  belowC: 18,
  designTempC: -7.7,
  minHours: 12,
};
const mean = (deviceId: string, date: string, value: number, hours = 24): DailyMean => ({ deviceId, date, hours, mean: value });

describe('room-days', () => {
  it('counts a day at or above 18.0 °C as compliant, below as not, and leaves out days with under 12 hours of readings', () => {
    const r = judgeRoomDays({
      ...base,
      roomMeans: [mean('R1', '2026-12-01', 18.0), mean('R2', '2026-12-01', 17.99), mean('R3', '2026-12-01', 21, 11), mean('R3', '2026-12-02', 16, 12)],
    });
    expect(r).toMatchObject({ roomDays: 3, compliantRoomDays: 1, exemptRoomDays: 0, complianceRate: 1 / 3 });
    expect(r.byDay).toEqual([
      { date: '2026-12-01', roomDays: 2, compliantRoomDays: 1, exemptRoomDays: 0, complianceRate: 0.5 },
      { date: '2026-12-02', roomDays: 1, compliantRoomDays: 0, exemptRoomDays: 0, complianceRate: 0 },
    ]);
    expect(r.bySubstation.map((s) => [s.substationId, s.rooms, s.roomDays, s.compliantRoomDays])).toEqual([
      ['S1', 2, 2, 1],
      ['S2', 1, 1, 0],
    ]);
  });

  it("counts apart a day whose mean outdoor temperature was below the design temperature, or that a stop covered", () => {
    const stopStart = Date.parse('2026-12-02T20:00:00+08:00');
    const r = judgeRoomDays({
      ...base,
      roomMeans: [mean('R1', '2026-12-01', 15), mean('R3', '2026-12-01', 15), mean('R3', '2026-12-02', 15)],
      outdoorMeans: [mean('S1', '2026-12-01', -8.5), mean('S2', '2026-12-01', -7.7)],
      stops: [{ substationId: 'S2', startsAt: stopStart, endsAt: stopStart + 3_600_000 }],
    });
    // R1 on the 1st: outdoors -8.5 < -7.7, exempt. R3 on the 1st: -7.7 is not below, counts (cold).
    // R3 on the 2nd: a stop from 20:00, exempt.
    expect(r).toMatchObject({ roomDays: 1, compliantRoomDays: 0, exemptRoomDays: 2, complianceRate: 0 });
  });

  it('judges a day on its mean outdoor temperature: a cold morning on a mild day counts, a day whose mean is below design does not; a weather source stands in for a substation that reported none', () => {
    const r = judgeRoomDays({
      ...base,
      rooms: [...base.rooms, { id: 'R4', substationId: 'S3' }],
      roomMeans: [mean('R1', '2026-12-01', 16), mean('R3', '2026-12-01', 16), mean('R4', '2026-12-01', 16), mean('R4', '2026-12-02', 16)],
      // S1: −12 °C at dawn but a mild day, mean −2.0; S2: a mean of −9.1; S3 reported no outdoor temperature.
      outdoorMeans: [mean('S1', '2026-12-01', -2.0), mean('S2', '2026-12-01', -9.1)],
      weatherMeans: new Map([['2026-12-01', -8.0], ['2026-12-02', -3.0]]),
    });
    expect(r.verdicts.map((v) => [v.deviceId, v.date, v.verdict, v.outdoorC, v.exemptBecause])).toEqual([
      ['R1', '2026-12-01', 'below', -2.0, null],
      ['R3', '2026-12-01', 'exempt', -9.1, 'outdoor_below_design'],
      ['R4', '2026-12-01', 'exempt', -8.0, 'outdoor_below_design'],
      ['R4', '2026-12-02', 'below', -3.0, null],
    ]);
  });

  it("counts apart a room's days the engineer found the building or the customer's installation to blame for, from the episode's first day to its resolution", () => {
    const r = judgeRoomDays({
      ...base,
      days: ['2026-12-01', '2026-12-02', '2026-12-03'],
      roomMeans: ['2026-12-01', '2026-12-02', '2026-12-03'].flatMap((d) => [mean('R1', d, 16), mean('R2', d, 16)]),
      foundExempt: [{ deviceId: 'R1', from: '2026-12-01', to: '2026-12-02', reason: 'customer_installation' }],
    });
    expect(r.verdicts.filter((v) => v.verdict === 'exempt').map((v) => [v.deviceId, v.date, v.exemptBecause])).toEqual([
      ['R1', '2026-12-01', 'customer_installation'],
      ['R1', '2026-12-02', 'customer_installation'],
    ]);
    expect(r).toMatchObject({ roomDays: 4, exemptRoomDays: 2 });
  });

  it('has no rate when nothing counts, and ignores days out of season or not over and sensors of other rooms', () => {
    const r = judgeRoomDays({ ...base, days: ['2026-12-01'], roomMeans: [mean('R1', '2026-12-02', 20), mean('R-KITCHEN', '2026-12-01', 20)] });
    expect(r).toMatchObject({ roomDays: 0, compliantRoomDays: 0, exemptRoomDays: 0, complianceRate: null });
  });
});

const H = 3_600_000;
const FROM = Date.parse('2026-12-01T00:00:00+08:00');
const TO = Date.parse('2027-01-01T00:00:00+08:00');
const NOW = Date.parse('2027-01-05T10:00:00+08:00');
const ticket = (over: Partial<ReportTicket>): ReportTicket => ({
  type: 'repair',
  substationId: 'S1',
  source: 'hotline',
  channel: 'phone',
  status: 'closed',
  openedAt: FROM + 24 * H,
  dueAt: FROM + 25 * H,
  milestoneAt: FROM + 24.5 * H,
  exempt: null,
  callbackDueAt: null,
  callbackAt: null,
  satisfaction: null,
  ...over,
});

describe('ticket figures', () => {
  it('closure over the tickets opened in the range; timeliness over those with a deadline, a missing milestone past its deadline late', () => {
    const f = ticketFigures(
      [
        ticket({}), // on time, closed
        ticket({ milestoneAt: FROM + 26 * H }), // late
        ticket({ status: 'on_site', type: 'leak', source: 'rule', substationId: 'S2', milestoneAt: null }), // not reached, deadline passed: late
        ticket({ status: 'open', type: 'sensor_offline', source: 'rule', dueAt: null, milestoneAt: null }), // no deadline: not judged
        ticket({ status: 'open', type: 'room_temp_low', source: 'rule', exempt: 'outdoor_below_design', milestoneAt: null }), // exempt: not judged
        ticket({ openedAt: FROM - H }), // opened before the range
      ],
      { from: FROM, to: TO },
      NOW,
    );
    expect(f).toMatchObject({ opened: 5, closed: 2, closureRate: 0.4, timelinessRate: 1 / 3, bySource: { rule: 3, hotline: 2 } });
    expect(f.byType.repair).toEqual({ opened: 2, closed: 2, onTime: 1, late: 1 });
    expect(f.byType.leak).toEqual({ opened: 1, closed: 0, onTime: 0, late: 1 });
    expect(f.bySubstation).toEqual([
      { substationId: 'S1', opened: 4, closed: 2, onTime: 1, late: 1 },
      { substationId: 'S2', opened: 1, closed: 0, onTime: 0, late: 1 },
    ]);
  });

  it('judges a milestone still due as neither on time nor late', () => {
    const f = ticketFigures([ticket({ status: 'open', milestoneAt: null, dueAt: NOW + H })], { from: FROM, to: TO }, NOW);
    expect(f).toMatchObject({ timelinessRate: null, byType: { repair: { onTime: 0, late: 0 } } });
  });

  it('counts callbacks due in the range: done in time, done late, not done past the deadline; and what the customers said', () => {
    const due = FROM + 5 * 24 * H;
    const f = ticketFigures(
      [
        ticket({ callbackDueAt: due, callbackAt: due - H, satisfaction: 'satisfied' }),
        ticket({ callbackDueAt: due, callbackAt: due + H, satisfaction: 'dissatisfied' }),
        ticket({ callbackDueAt: due, callbackAt: null }),
        ticket({ callbackDueAt: TO + H, callbackAt: null }), // due after the range
      ],
      { from: FROM, to: TO },
      NOW,
    );
    expect(f.callbacks).toEqual({ due: 3, done: 2, onTime: 1, late: 2, satisfied: 1, basicallySatisfied: 0, dissatisfied: 1, satisfactionRate: 0.5 });
  });
});
