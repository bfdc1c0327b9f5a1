/**
 * The rules engine, pure: readings in, events out, times as arguments. Each test builds its own
 * small network (substation S1 feeding rooms) and reads the events as short sentences, with
 * times in minutes after T0.
 */
import { describe, expect, it } from 'vitest';
import type { FieldName, Reading } from '../ingest/contracts/payloads.ts';
import type { RoomType } from '../ingest/contracts/devices.ts';
import { correlateSubstation, findCluster, NO_CORRELATION, roomsNeeded } from '../ingest/core/rules/correlate-substation.ts';
import { checkRate } from '../ingest/core/rules/check-plausibility.ts';
import { evaluateRoomLow, ROOM_LOW_START } from '../ingest/core/rules/evaluate-room-low.ts';
import { createRulesEngine } from '../ingest/core/rules/rules-engine.ts';
import type { RuleDevice, RuleEvent } from '../ingest/core/rules/rule-types.ts';
import { DEFAULT_RULES_CONFIG, parseRulesConfig, type RulesConfigInput } from '../ingest/core/rules/rules-config.ts';

const MIN = 60_000;
/** In the heating season, past its first 10 days. */
const T0 = Date.parse('2026-12-10T08:00:00+08:00');

type Points = [minute: number, value: number][];

function world(options: { config?: RulesConfigInput; outdoorTemp?: (s: string, at: number) => number | undefined } = {}) {
  const devices = new Map<string, RuleDevice>();
  const outages: { substationId: string; from: number; to: number }[] = [];
  const engine = createRulesEngine(parseRulesConfig(options.config ?? {}), {
    device: (id) => devices.get(id),
    roomsOf: (s) => [...devices.values()].filter((d) => d.kind === 'room' && d.substationId === s).map((d) => d.id),
    suppressed: (_id, s, at) => outages.some((o) => o.substationId === s && at >= o.from && at < o.to),
    ...(options.outdoorTemp ? { outdoorTemp: options.outdoorTemp } : {}),
  });
  const w = {
    engine,
    outages,
    room(id: string, roomType: RoomType = 'bedroom', substationId = 'S1', intervalSec = 600) {
      devices.set(id, { id, kind: 'room', roomType, substationId, intervalSec });
      return w;
    },
    substation(id = 'S1', intervalSec = 30) {
      devices.set(id, { id, kind: 'substation', roomType: null, substationId: null, intervalSec });
      return w;
    },
  };
  return w;
}

const temps = (deviceId: string, points: Points, start = T0): Reading[] =>
  points.map(([m, temp]) => ({ deviceId, kind: 'room', ts: start + m * MIN, values: { temp } }));

const station = (points: [minute: number, values: Partial<Record<FieldName, number>>][], deviceId = 'S1'): Reading[] =>
  points.map(([m, values]) => ({ deviceId, kind: 'substation', ts: T0 + m * MIN, values: { supplyTemp: 95, returnTemp: 50, ...values } }));

/** Readings every `step` minutes from `from` to `to` inclusive; `value` may alternate. */
function every(from: number, to: number, step: number, value: number | ((m: number, i: number) => number)): Points {
  const out: Points = [];
  for (let m = from, i = 0; m <= to + 1e-9; m += step, i++) out.push([m, typeof value === 'number' ? value : value(m, i)]);
  return out;
}
const alternating = (a: number, b: number) => (_m: number, i: number) => (i % 2 === 0 ? a : b);

/** Events as sentences: "open room_low R1 @31". */
function brief(events: RuleEvent[], start = T0): string[] {
  return events.map((e) => {
    const m = `@${(e.at - start) / MIN}`;
    switch (e.kind) {
      case 'open':
        return `open ${e.rule} ${e.deviceId} ${m}${e.exempt ? ` exempt:${e.exempt}` : ''}`;
      case 'recovered':
        return `recovered ${e.rule} ${e.deviceId} ${m}`;
      case 'data_quality':
        return `data_quality ${e.deviceId} ${m}`;
      case 'correlated':
        return `correlated ${e.substationId} ${e.ticketType} [${e.roomIds.join(',')}] ${m}`;
    }
  });
}

/** Feeds the readings one message at a time, in the order given. */
function oneByOne(engine: { onReadings(r: readonly Reading[]): RuleEvent[] }, readings: Reading[]): RuleEvent[] {
  return readings.flatMap((r) => engine.onReadings([r]));
}

describe('room low', () => {
  it.each<[string, Points, string[]]>([
    ['29 min below 18.0: nothing', [[0, 17.5], [10, 17.5], [20, 17.5], [29, 17.5], [35, 18.2]], []],
    ['31 min below 18.0: opens at the reading completing 30 min', [[0, 17.5], [10, 17.5], [20, 17.5], [31, 17.5]], ['open room_low R1 @31']],
    ['exactly 30 min', [[0, 17.9], [15, 17.9], [30, 17.9]], ['open room_low R1 @30']],
    ['18.0 is not below 18.0', every(0, 120, 10, 18.0), []],
    ['noise 17.9/18.1 every 5 min for 6 h: nothing', every(0, 360, 5, alternating(17.9, 18.1)), []],
    ['one warmer reading restarts the run', [[0, 17.5], [10, 17.5], [20, 18.0], [30, 17.5], [40, 17.5], [50, 17.5], [60, 17.5]], ['open room_low R1 @60']],
  ])('%s', (_name, points, expected) => {
    const w = world().room('R1');
    expect(brief(oneByOne(w.engine, temps('R1', points)))).toEqual(expected);
  });

  it('opens with the ticket type, substation and the facts it saw', () => {
    const w = world().room('R1');
    const events = w.engine.onReadings(temps('R1', [[0, 17.6], [10, 17.4], [20, 17.5], [31, 17.5]]));
    expect(events).toEqual([
      {
        kind: 'open',
        rule: 'room_low',
        ticketType: 'room_temp_low',
        deviceId: 'R1',
        substationId: 'S1',
        at: T0 + 31 * MIN,
        exempt: null,
        facts: [{ fact: 'room_low', tempC: 17.5, belowC: 18, forMs: 31 * MIN, lowestC: 17.4 }],
      },
    ]);
  });

  it('has hysteresis: noise at either threshold neither reopens nor recovers', () => {
    const w = world().room('R1');
    const story = [
      ...every(0, 40, 10, 17.5), // cold: opens at 30
      ...every(45, 225, 5, alternating(18.4, 18.6)), // flickers around 18.5: not recovered
      ...every(230, 400, 5, alternating(17.9, 18.1)), // flickers around 18.0: still the same episode
      ...every(405, 440, 5, 18.6), // 30 min at 18.6: recovered at 435
      ...every(445, 700, 5, alternating(17.9, 18.1)), // noise again: no new episode
    ];
    expect(brief(oneByOne(w.engine, temps('R1', story)))).toEqual(['open room_low R1 @30', 'recovered room_low R1 @435']);
  });

  it('covers bedrooms and living rooms only', () => {
    const w = world().room('bed', 'bedroom').room('living', 'living').room('kitchen', 'other');
    const cold = every(0, 60, 10, 16.5);
    const events = ['bed', 'living', 'kitchen'].flatMap((id) => w.engine.onReadings(temps(id, cold)));
    expect(brief(events)).toEqual(['open room_low bed @30', 'open room_low living @30']);
  });

  it('starts counting at local midnight on 15 Nov and not at all in summer', () => {
    const w = world().room('R1');
    const eve = Date.parse('2026-11-14T23:30:00+08:00');
    const events = w.engine.onReadings(temps('R1', every(0, 70, 10, 17.0), eve));
    // The first reading in season is 00:00; 30 min later the room is low.
    expect(events.map((e) => new Date(e.at).toISOString())).toEqual([new Date('2026-11-15T00:30:00+08:00').toISOString()]);
    const summer = world().room('R1');
    expect(summer.engine.onReadings(temps('R1', every(0, 600, 10, 15.0), Date.parse('2026-07-01T08:00:00+08:00')))).toEqual([]);
  });

  it('is a table of crossings before the gate (evaluateRoomLow)', () => {
    const config = DEFAULT_RULES_CONFIG.roomLow;
    const steps: [number, number, string | null][] = [
      [0, 17.5, null],
      [30, 17.5, 'open'],
      [40, 17.0, null], // the same cold run is reported once
      [50, 18.5, null],
      [80, 18.6, 'recovered'],
      [90, 18.7, null],
    ];
    let state = ROOM_LOW_START;
    for (const [m, temp, expected] of steps) {
      const r = evaluateRoomLow(state, { ts: m * MIN, temp, counts: true }, config);
      expect(r.transition?.kind ?? null, `at ${m} min`).toBe(expected);
      state = r.state;
    }
  });
});

describe('sudden drop', () => {
  it.each<[string, Points, string[]]>([
    // A level counts when two consecutive readings hold it: the drop shows at the second low one.
    ['3.5 °C in 20 min', [[0, 21], [10, 21], [20, 17.5], [30, 17.5]], ['open sudden_drop R1 @30']],
    ['2.9 °C: nothing', [[0, 21], [10, 21], [20, 18.1], [30, 18.1]], []],
    ['exactly 3.0 °C (21.3 → 18.3)', [[0, 21.3], [10, 21.3], [30, 18.3], [40, 18.3]], ['open sudden_drop R1 @40']],
    ['one low reading is not a drop', [[0, 21], [10, 21], [20, 17.5], [30, 21], [40, 21]], []],
    ['3 °C spread over 70 min: nothing', [[0, 21], [10, 21], [20, 20], [30, 20], [40, 19], [50, 19], [60, 18.5], [70, 18.0], [80, 18.0]], []],
  ])('%s', (_name, points, expected) => {
    const w = world().room('R1');
    expect(brief(oneByOne(w.engine, temps('R1', points)))).toEqual(expected);
  });

  it('opens temp_drop and recovers back within 1 °C of the level before', () => {
    const w = world().room('R1', 'other');
    const events = oneByOne(w.engine, temps('R1', [[0, 21], [10, 21], [20, 17.5], [30, 17.5], [40, 17.8], ...every(60, 100, 10, alternating(20.1, 19.9)), ...every(110, 140, 10, 20.2)]));
    // 19.9 is more than 1 °C below 21.0: the 30 min back start at minute 100.
    expect(brief(events)).toEqual(['open sudden_drop R1 @30', 'recovered sudden_drop R1 @130']);
    expect(events[0]).toMatchObject({ ticketType: 'temp_drop', facts: [{ fact: 'sudden_drop', fromC: 21, toC: 17.5, withinMs: 20 * MIN, dropC: 3, windowMin: 60 }] });
    expect(events[1]).toMatchObject({ facts: [{ fact: 'drop_recovered', tempC: 20.2, refC: 21, withinC: 1, forMs: 30 * MIN }] });
  });
});

describe('late and out-of-order readings', () => {
  // 20.5 °C, a sudden fall to 17.0 °C at minute 20, 20.0 °C again from minute 70.
  const story = temps('R1', [[0, 20.5], [10, 20.5], ...every(20, 60, 10, 17.0), ...every(70, 110, 10, 20.0)]);
  const inOrder = ['open sudden_drop R1 @30', 'open room_low R1 @50', 'recovered sudden_drop R1 @100', 'recovered room_low R1 @100'];
  const hour = (r: Reading) => r.ts < T0 + 60 * MIN;

  it.each<[string, Reading[][]]>([
    ['one reading per message, in order', story.map((r) => [r])],
    ['one batch, shuffled', [[...story].sort((a, b) => ((a.ts / MIN) * 7) % 12 - ((b.ts / MIN) * 7) % 12)]],
    ['one batch, newest first', [[...story].reverse()]],
    ['the second hour uploaded before the first', [story.filter((r) => !hour(r)), story.filter(hour)]],
    ['the readings completing the cold spell arrive last', [story.filter((r) => r.ts !== T0 + 50 * MIN && r.ts !== T0 + 60 * MIN), story.filter((r) => r.ts === T0 + 50 * MIN || r.ts === T0 + 60 * MIN)]],
    ['every message delivered twice (QoS 1)', story.flatMap((r) => [[r], [r]])],
  ])('%s: the same events as in order', (_name, messages) => {
    const w = world().room('R1');
    const events = messages.flatMap((m) => w.engine.onReadings(m));
    expect(brief(events).sort()).toEqual([...inOrder].sort());
  });

  it('ignores readings more than lateness.maxLateMin behind the newest, and counts them', () => {
    const w = world().room('R1');
    expect(w.engine.onReadings(temps('R1', every(0, 300, 10, 21)))).toEqual([]);
    // 17.0 from minute 100 to 170: would be a drop and a low room, but it is > 120 min old.
    expect(w.engine.onReadings(temps('R1', every(105, 175, 10, 17.0)))).toEqual([]);
    expect(w.engine.stats()).toMatchObject({ tooLate: 8, duplicates: 0 });
  });

  it('never retracts an open ticket, and the episode still recovers', () => {
    const w = world().room('R1');
    expect(brief(w.engine.onReadings(temps('R1', every(0, 40, 10, 17.5))))).toEqual(['open room_low R1 @30']);
    // A late 18.6 at minute 15 breaks the cold run in hindsight: nothing is taken back …
    expect(w.engine.onReadings(temps('R1', [[15, 18.6]]))).toEqual([]);
    // … and when the room is warm again, the open ticket is marked recovered once.
    expect(brief(oneByOne(w.engine, temps('R1', every(50, 100, 10, 18.6))))).toEqual(['recovered room_low R1 @80']);
  });
});

describe('implausible data', () => {
  it('raises data_quality at most once an hour and never opens a customer ticket', () => {
    const w = world().room('R1');
    // A sensor flipping between 20 and 45 °C (outside 0–40 °C) every 5 min for 2 h.
    const events = oneByOne(w.engine, temps('R1', every(0, 115, 5, alternating(20, 45))));
    expect(brief(events)).toEqual(['data_quality R1 @5', 'data_quality R1 @65']);
  });

  it('flags a spike and keeps it away from the drop rule', () => {
    const w = world().room('R1');
    // 27 °C five minutes after 20 °C is a glitch; without the check, 27 → 20.0 would be a 7 °C drop.
    const events = oneByOne(w.engine, temps('R1', [[0, 20], [5, 27], [10, 20], [20, 20.1], [40, 20]]));
    expect(brief(events)).toEqual(['data_quality R1 @5']);
    expect(events[0]).toMatchObject({ facts: [{ fact: 'too_fast', field: 'temp', from: 20, to: 27, withinMs: 5 * MIN, maxChange: 5, perMin: 10 }] });
  });

  it('flags a sensor sampling every 15 min that jumps 12 °C, and opens nothing', () => {
    const w = world().room('R1');
    const events = oneByOne(w.engine, temps('R1', [[0, 21.9], [15, 21.9], [30, 33.9], [45, 21.8], [60, 21.9], [75, 21.8]]));
    expect(brief(events)).toEqual(['data_quality R1 @30']);
  });

  it.each<[string, { maxC: number; perMin: number; direction: 'both' | 'rise' }, number, number, number, boolean]>([
    ['room: exactly 5 °C in 9 min', { maxC: 5, perMin: 10, direction: 'both' }, 20, 9, 25, false],
    ['room: 5.1 °C in 9 min', { maxC: 5, perMin: 10, direction: 'both' }, 20, 9, 25.1, true],
    ['room: a 5.1 °C fall in 10 min', { maxC: 5, perMin: 10, direction: 'both' }, 20, 10, 14.9, true],
    ['room: 7.5 °C in 15 min (pro rata)', { maxC: 5, perMin: 10, direction: 'both' }, 20, 15, 27.5, false],
    ['room: 12 °C in 15 min', { maxC: 5, perMin: 10, direction: 'both' }, 20, 15, 32, true],
    ['room: 12 °C after 2 h of silence', { maxC: 5, perMin: 10, direction: 'both' }, 20, 120, 32, false],
    ['supply: 45 °C up in 10 s', { maxC: 10, perMin: 1, direction: 'rise' }, 95, 1 / 6, 140, true],
    ['supply: 55 °C down in 10 s (the collapse rule judges falls)', { maxC: 10, perMin: 1, direction: 'rise' }, 95, 1 / 6, 40, false],
    ['supply: 45 °C up in 5 min', { maxC: 10, perMin: 1, direction: 'rise' }, 95, 5, 140, false],
  ])('rate check, %s', (_name, limit, from, minutes, to, flagged) => {
    const problem = checkRate({ ts: 0, value: from }, minutes * MIN, to, limit, 'temp');
    expect(problem !== null).toBe(flagged);
    expect(checkRate(null, 0, to, limit, 'temp')).toBeNull();
  });

  it('drops an implausible substation field and judges the rest', () => {
    const w = world().substation();
    const pressures: [number, number][] = [[0, 0.8], [1, 0.8], [2, 0.62], [3, 0.62]];
    const events = oneByOne(w.engine, station(pressures.map(([m, p]) => [m, { supplyPressure: p, outdoorTemp: 99 }])));
    expect(brief(events)).toEqual(['data_quality S1 @0', 'open substation_collapse S1 @3']);
  });

  it('flags a supply temperature spike and opens no pipeline accident', () => {
    const w = world().substation();
    const events = oneByOne(w.engine, station(every(0, 10, 1 / 6, (m) => (Math.abs(m - 5) < 0.01 ? 137.8 : 92.4)).map(([m, t]) => [m, { supplyTemp: t }])));
    expect(brief(events)).toEqual(['data_quality S1 @5']);
  });
});

describe('substation collapse', () => {
  // Readings every 30 s; the fall starts after minute 10. Both the level before and the level
  // after must show in two consecutive readings.
  const pressure = (at: (m: number) => number) => station(every(0, 20, 0.5, at).map(([m, p]) => [m, { supplyPressure: p }]));

  it.each<[string, (m: number) => number, string[]]>([
    ['a step of 0.16 MPa', (m) => (m <= 10 ? 0.8 : 0.64), ['open substation_collapse S1 @11']],
    ['a step of exactly 0.15 MPa', (m) => (m <= 10 ? 0.8 : 0.65), ['open substation_collapse S1 @11']],
    ['a step of 0.14 MPa', (m) => (m <= 10 ? 0.8 : 0.66), []],
    ['0.15 MPa within 4 min', (m) => (m <= 10 ? 0.8 : Math.max(0.65, 0.8 - (0.15 * (m - 10)) / 4)), ['open substation_collapse S1 @14.5']],
    ['0.16 MPa spread over 6 min', (m) => (m <= 10 ? 0.8 : Math.max(0.64, 0.8 - (0.16 * (m - 10)) / 6)), []],
    ['one glitch of 0.3 MPa', (m) => (m === 10.5 ? 0.5 : 0.8), []],
  ])('pressure: %s', (_name, at, expected) => {
    const w = world().substation();
    const events = oneByOne(w.engine, pressure(at));
    expect(brief(events)).toEqual(expected);
    if (expected.length > 0) expect(events[0]).toMatchObject({ ticketType: 'pipeline_accident', deviceId: 'S1', substationId: 'S1', exempt: null });
  });

  it.each<[string, (m: number) => number, string[]]>([
    ['a 16 °C step', (m) => (m <= 10 ? 95 : 79), ['open substation_collapse S1 @11']],
    ['16 °C within 14 min', (m) => (m <= 10 ? 95 : Math.max(79, 95 - (16 * (m - 10)) / 14)), ['open substation_collapse S1 @24']],
    ['16 °C over 20 min', (m) => (m <= 10 ? 95 : 95 - 0.8 * (m - 10)), []],
  ])('supply temperature: %s', (_name, at, expected) => {
    const w = world().substation();
    const events = oneByOne(w.engine, station(every(0, 30, 0.5, at).map(([m, t]) => [m, { supplyTemp: t }])));
    expect(brief(events)).toEqual(expected);
  });

  it('recovers once the pressure that fell is back, though the supply temperature followed the weather meanwhile', () => {
    const w = world().substation();
    // Pressure collapses at minute 2 and is back from minute 60; the supply temperature falls
    // 8 °C over those hours with the weather curve (no collapse of its own).
    const events = oneByOne(w.engine, station(every(0, 90, 1, 0).map(([m]) => [m, { supplyPressure: m < 2 ? 0.8 : m < 60 ? 0.6 : 0.79, supplyTemp: 95 - Math.min(8, m * 0.1) }])));
    expect(brief(events)).toEqual(['open substation_collapse S1 @3', 'recovered substation_collapse S1 @70']);
  });

  it('recovers after 10 min back at the pre-collapse pressure', () => {
    const w = world().substation();
    const events = oneByOne(w.engine, station(every(0, 30, 1, (m) => (m < 2 ? 0.8 : m < 15 ? 0.6 : 0.79)).map(([m, p]) => [m, { supplyPressure: p }])));
    expect(brief(events)).toEqual(['open substation_collapse S1 @3', 'recovered substation_collapse S1 @25']);
  });
});

describe('offline', () => {
  it('opens after 3 intervals without a reading (wall clock), once, and recovers on the next reading', () => {
    const w = world().room('R1', 'bedroom', 'S1', 600);
    w.engine.onReadings(temps('R1', [[0, 21]]));
    expect(w.engine.onTick(T0 + 30 * MIN)).toEqual([]);
    const opened = w.engine.onTick(T0 + 30 * MIN + 1);
    expect(opened).toEqual([
      expect.objectContaining({ kind: 'open', rule: 'offline', ticketType: 'sensor_offline', deviceId: 'R1', at: T0 + 30 * MIN + 1, exempt: null }),
    ]);
    expect(w.engine.onTick(T0 + 90 * MIN)).toEqual([]);
    expect(brief(w.engine.onReadings(temps('R1', [[95, 21]])))).toEqual(['recovered offline R1 @95']);
    expect(w.engine.onTick(T0 + 100 * MIN)).toEqual([]);
  });

  it('is not judged during a planned outage, and is after it', () => {
    const w = world().room('R1');
    w.outages.push({ substationId: 'S1', from: T0, to: T0 + 120 * MIN });
    w.engine.onReadings(temps('R1', [[0, 21]]));
    expect(w.engine.onTick(T0 + 60 * MIN)).toEqual([]);
    expect(brief(w.engine.onTick(T0 + 121 * MIN))).toEqual(['open offline R1 @121']);
  });
});

describe('planned outages', () => {
  it('open no tickets, and a room still cold afterwards opens 30 min after the outage', () => {
    const w = world().substation().room('R1');
    w.outages.push({ substationId: 'S1', from: T0, to: T0 + 240 * MIN });
    const events = oneByOne(w.engine, [
      ...station(every(0, 20, 1, (m) => (m < 10 ? 95 : 60)).map(([m, t]) => [m, { supplyTemp: t, supplyPressure: m < 10 ? 0.8 : 0.4 }])),
      ...temps('R1', [[0, 21], ...every(10, 300, 10, 16.5)]),
    ]);
    expect(brief(events)).toEqual(['open room_low R1 @270']);
  });
});

describe('design outdoor temperature, judged on a day\'s mean (issue 17)', () => {
  const coldRoom = temps('R1', every(0, 40, 10, 16.0));
  /** The substation's outdoor readings every 30 min over the 24 h before minute 30, `at(hoursBefore)` each. */
  const outdoorDay = (at: (hoursBefore: number) => number | null) =>
    station(
      every(-24 * 60 + 30, 30, 30, 0).flatMap(([m]) => {
        const v = at((30 - m) / 60);
        return v === null ? [] : [[m, { outdoorTemp: v }] as [number, Partial<Record<FieldName, number>>]];
      }),
    );

  it.each<[string, (h: number) => number | null, string]>([
    ['a day at −9 °C: exempt', () => -9.0, 'open room_low R1 @30 exempt:outdoor_below_design'],
    ['a day whose mean is −7.7 °C: not exempt', () => -7.7, 'open room_low R1 @30'],
    ['a cold morning (−12 °C for 6 h) on a mild day (0 °C): not exempt', (h) => (h <= 6 ? -12 : 0), 'open room_low R1 @30'],
    ['a cold night and morning, mild afternoon, mean −8.5 °C: exempt', (h) => (h <= 14 ? -13 : -2.2), 'open room_low R1 @30 exempt:outdoor_below_design'],
    ['only 6 hours reported, at −12 °C: too few to judge a day, not exempt', (h) => (h <= 6 ? -12 : null), 'open room_low R1 @30'],
  ])('%s', (_name, at, expected) => {
    const w = world().substation().room('R1');
    const events = w.engine.onReadings([...outdoorDay(at), ...coldRoom]);
    expect(brief(events)).toEqual([expected]);
  });

  it('leaves a substation silent for hours out, and asks the weather source for the day instead', () => {
    const stale = world().substation().room('R1');
    stale.engine.onReadings(outdoorDay((h) => (h >= 4 ? -10 : null)));
    expect(brief(stale.engine.onReadings(coldRoom))).toEqual(['open room_low R1 @30']);
    const fallback = world({ outdoorTemp: () => -12 }).room('R1');
    const events = fallback.engine.onReadings(coldRoom);
    expect(brief(events)).toEqual(['open room_low R1 @30 exempt:outdoor_below_design']);
    expect(events[0]).toMatchObject({ facts: expect.arrayContaining([{ fact: 'outdoor_below_design', outdoorC: -12, designC: -7.7 }]) });
  });
});

describe('correlation', () => {
  const network = (rooms: number) => {
    const w = world().substation();
    for (let i = 1; i <= rooms; i++) w.room(`R${i}`);
    return w;
  };
  // Drops 4.5 °C at `startMin` (opens at the next reading), low 30 min later.
  const goesCold = (id: string, startMin: number) => temps(id, [[startMin - 20, 21], [startMin - 10, 21], ...every(startMin, startMin + 40, 10, 16.5)]);

  it('3 rooms of 5 within 60 min: one substation event, then no more for a fourth', () => {
    const w = network(5);
    const events = [...w.engine.onReadings(goesCold('R1', 0)), ...w.engine.onReadings(goesCold('R2', 20)), ...w.engine.onReadings(goesCold('R3', 40))];
    expect(brief(events.filter((e) => e.kind === 'correlated'))).toEqual(['correlated S1 temp_drop [R1,R2,R3] @50']);
    expect(events.filter((e) => e.kind === 'correlated')[0]).toMatchObject({ facts: [{ fact: 'rooms_together', substationId: 'S1', rooms: 5, affected: 3, windowMin: 60, needed: 3 }] });
    expect(w.engine.onReadings(goesCold('R4', 50)).filter((e) => e.kind === 'correlated')).toEqual([]);
  });

  it.each<[string, number, number[], number]>([
    ['2 rooms of 5', 5, [0, 10], 0],
    ['3 rooms of 5 spread over 100 min', 5, [0, 40, 100], 0],
    ['3 rooms of 20 (30 % is 6)', 20, [0, 10, 20], 0],
    ['6 rooms of 20', 20, [0, 5, 10, 15, 20, 25], 1],
  ])('%s', (_name, rooms, starts, expected) => {
    const w = network(rooms);
    const events = starts.flatMap((start, i) => w.engine.onReadings(goesCold(`R${i + 1}`, start)));
    expect(events.filter((e) => e.kind === 'correlated')).toHaveLength(expected);
  });

  it('starts a new episode once the rooms have recovered', () => {
    const w = network(5);
    const warm = (id: string, from: number) => temps(id, every(from, from + 40, 10, 21));
    const first = ['R1', 'R2', 'R3'].flatMap((id) => w.engine.onReadings(goesCold(id, 0)));
    const recovered = ['R1', 'R2', 'R3'].flatMap((id) => w.engine.onReadings(warm(id, 60)));
    const second = ['R1', 'R2', 'R3'].flatMap((id) => w.engine.onReadings(goesCold(id, 200)));
    expect([first, recovered, second].map((e) => e.filter((x) => x.kind === 'correlated').length)).toEqual([1, 0, 1]);
  });

  it('stays silent while the substation has a planned outage', () => {
    const w = network(5);
    w.outages.push({ substationId: 'S1', from: T0 - 60 * MIN, to: T0 + 600 * MIN });
    const events = ['R1', 'R2', 'R3', 'R4'].flatMap((id, i) => w.engine.onReadings(goesCold(id, i * 10)));
    expect(events).toEqual([]);
  });

  it('needs max(minRooms, ⌈minFraction × rooms⌉)', () => {
    const config = DEFAULT_RULES_CONFIG.correlation;
    expect([0, 5, 10, 11, 20, 100].map((n) => roomsNeeded(n, config))).toEqual([3, 3, 3, 4, 6, 30]);
  });

  it('finds the cluster whatever order the rooms arrive in', () => {
    const config = DEFAULT_RULES_CONFIG.correlation;
    let state = NO_CORRELATION;
    const changes = [
      { roomId: 'C', at: 50 * MIN },
      { roomId: 'A', at: 0 },
      { roomId: 'B', at: 45 * MIN },
    ];
    const clusters = changes.map(({ roomId, at }) => {
      const r = correlateSubstation(state, { kind: 'open', roomId, rule: 'room_low', ticketType: 'room_temp_low', at }, 3, config);
      state = r.state;
      return r.cluster;
    });
    expect(clusters).toEqual([null, null, { at: 50 * MIN, roomIds: ['A', 'B', 'C'], ticketType: 'room_temp_low' }]);
    expect(findCluster(state.rooms, 4, 60 * MIN)).toBeNull();
  });
});

describe('messages refused as garbage (onSeen)', () => {
  /**
   * One message every 10 min (event time = arrival), ticks every 5 min: 'V' a valid reading,
   * 'G' a message whose readings validation refused, '-' nothing.
   */
  function story(pattern: string): string[] {
    const w = world().room('R1', 'bedroom', 'S1', 600);
    const events: RuleEvent[] = [];
    for (let m = 0; m <= pattern.length * 10; m += 5) {
      const c = m % 10 === 0 ? pattern[m / 10] : undefined;
      if (c === 'V') events.push(...w.engine.onReadings(temps('R1', [[m, 21]])));
      if (c === 'G') events.push(...w.engine.onSeen('R1', T0 + m * MIN));
      events.push(...w.engine.onTick(T0 + m * MIN));
    }
    return brief(events);
  }

  it.each<[string, string, string[]]>([
    ['a valid reading every 50 min, garbage in between: alive, no flapping', 'VGGGGVGGGGVGGGGV', []],
    ['the same without the garbage messages: offline and back every time', 'V----V----V----V', ['open offline R1 @35', 'recovered offline R1 @50', 'open offline R1 @85', 'recovered offline R1 @100', 'open offline R1 @135', 'recovered offline R1 @150']],
    ['garbage only, then silence: offline after 30 min of silence', 'GGGG------V', ['open offline R1 @65', 'recovered offline R1 @100']],
    ['silent, then garbage: the garbage recovers it', 'V----G', ['open offline R1 @35', 'recovered offline R1 @50']],
  ])('%s', (_name, pattern, expected) => {
    expect(story(pattern)).toEqual(expected);
  });

  it('is seen by the offline rule only, and ignores unknown devices', () => {
    const w = world().room('R1');
    // A garbage message 5 h ahead (a wrong clock) does not make the device's readings late.
    expect(w.engine.onSeen('R1', T0 + 300 * MIN)).toEqual([]);
    expect(brief(w.engine.onReadings(temps('R1', every(0, 40, 10, 17.0))))).toEqual(['open room_low R1 @30']);
    expect(w.engine.stats()).toMatchObject({ tooLate: 0 });
    expect(w.engine.onSeen('nobody', T0)).toEqual([]);
  });
});

describe('episodes still open after a restart (seedOpen)', () => {
  type Step = Reading | { tick: number };
  const tick = (minute: number): Step => ({ tick: minute });
  const run = (engine: ReturnType<typeof world>['engine'], steps: Step[]) =>
    steps.flatMap((s) => ('tick' in s ? engine.onTick(T0 + s.tick * MIN) : engine.onReadings([s])));
  /** The episodes a run left open, as the database would list them. */
  const stillOpen = (events: RuleEvent[]) =>
    events.flatMap((e) =>
      e.kind === 'open' && !events.some((r) => r.kind === 'recovered' && r.deviceId === e.deviceId && r.rule === e.rule && r.at > e.at)
        ? [{ deviceId: e.deviceId, rule: e.rule, at: e.at }]
        : [],
    );

  it.each<[string, Step[], Step[], string[]]>([
    [
      'room low: readings redelivered after the restart do not open it again; recovered after 30 min at or above 18.5 °C',
      temps('R1', every(0, 40, 10, 17.0)),
      [...temps('R1', every(0, 60, 10, 17.0)), ...temps('R1', every(70, 110, 10, 18.6))],
      ['recovered room_low R1 @100'],
    ],
    [
      'sudden drop: not opened again, recovered when back within 1 °C for 30 min',
      temps('R1', [[0, 21], [10, 21], [20, 17.5], [30, 17.5]]),
      [...temps('R1', [[0, 21], [10, 21], [20, 17.5], [30, 17.5]]), ...temps('R1', every(40, 90, 10, 20.5))],
      ['recovered sudden_drop R1 @70'],
    ],
    [
      'offline: not opened again by the next tick; the next reading recovers it',
      [...temps('R1', [[0, 21]]), tick(31)],
      [tick(40), tick(60), ...temps('R1', [[65, 21]]), tick(70)],
      ['recovered offline R1 @65'],
    ],
  ])('%s', (_name, before, after, expected) => {
    const first = world().room('R1');
    const open = stillOpen(run(first.engine, before));
    expect(open).toHaveLength(1);
    const restarted = world().room('R1');
    restarted.engine.seedOpen(open);
    expect(brief(run(restarted.engine, after))).toEqual(expected);
  });

  it('ignores devices the registry does not know', () => {
    const w = world().room('R1');
    w.engine.seedOpen([{ deviceId: 'gone', rule: 'room_low', at: T0 }]);
    expect(w.engine.stats().devices).toBe(0);
    expect(brief(w.engine.onReadings(temps('R1', every(0, 40, 10, 17.0))))).toEqual(['open room_low R1 @30']);
  });
});

describe('substation fault, seen on the substation before its rooms go cold (issue 17)', () => {
  /** A substation running normally: primary 95/50 °C at 0.8 MPa and 100 m³/h, secondary 55/45 °C, its pump holding 0.15 MPa, make-up 0.5 %. */
  const NORMAL = { supplyTemp: 95, returnTemp: 50, supplyPressure: 0.8, flow: 100, secSupplyTemp: 55, secReturnTemp: 45, secSupplyPressure: 0.45, secReturnPressure: 0.3, makeupFlow: 0.5 };
  type Values = Partial<typeof NORMAL>;
  /** A reading every minute from 0 to `to`, normal but for what `at` says. */
  const plant = (at: (m: number) => Values, to = 40, deviceId = 'S1'): Reading[] =>
    every(0, to, 1, 0).map(([m]) => ({ deviceId, kind: 'substation', ts: T0 + m * MIN, values: { ...NORMAL, ...at(m) } }));
  const after = (minute: number, values: Values) => (m: number) => (m > minute ? values : {});

  it.each<[string, (m: number) => Values, string[], string | null]>([
    ['the secondary supply falls 11 °C at once', after(10, { secSupplyTemp: 44, secReturnTemp: 40 }), ['open substation_fault S1 @12'], 'supply_fell'],
    ['the secondary supply falls 9 °C', after(10, { secSupplyTemp: 46, secReturnTemp: 42 }), [], null],
    ['the secondary supply falls 11 °C over 20 min (weather, not a fault)', (m) => (m > 10 ? { secSupplyTemp: Math.max(44, 55 - 0.55 * (m - 10)), secReturnTemp: Math.max(38, 45 - 0.35 * (m - 10)) } : {}), [], null],
    ['one reading of the secondary supply at 40 °C', (m) => (m === 15 ? { secSupplyTemp: 40 } : {}), [], null],
    ['the secondary pump trips: its ΔP 0.15 → 0.02 MPa', after(10, { secSupplyPressure: 0.32 }), ['open substation_fault S1 @12'], 'pump_stopped'],
    ['the secondary ΔP sags to 0.08 MPa', after(10, { secSupplyPressure: 0.38 }), [], null],
    ['a secondary network whose pump was not running (ΔP 0.02) loses it', (m) => (m > 10 ? { secSupplyPressure: 0.3 } : { secSupplyPressure: 0.32 }), [], null],
    ['the primary flow halves while the supply pressure holds (a valve)', after(10, { flow: 40 }), ['open substation_fault S1 @12'], 'flow_collapsed'],
    ['the primary flow halves as the pressure falls 0.2 MPa (a burst: the collapse rule)', after(10, { flow: 40, supplyPressure: 0.6 }), ['open substation_collapse S1 @12'], null],
    [
      'the secondary ΔT rises 6 °C while the primary ΔT shrinks 6 °C (a failing pump)',
      (m) => (m > 10 ? { secReturnTemp: Math.max(39, 45 - 0.3 * (m - 10)), returnTemp: Math.min(56, 50 + 0.3 * (m - 10)) } : {}),
      ['open substation_fault S1 @28'],
      'pump_failing',
    ],
    ['the secondary ΔT rises 6 °C but the primary ΔT holds (more load, not a pump)', (m) => (m > 10 ? { secReturnTemp: Math.max(39, 45 - 0.3 * (m - 10)) } : {}), [], null],
  ])('%s', (_name, at, expected, fact) => {
    const w = world().substation();
    const events = oneByOne(w.engine, plant(at));
    expect(brief(events)).toEqual(expected);
    if (fact !== null) {
      expect(events[0]).toMatchObject({ kind: 'open', ticketType: 'substation_fault', substationId: 'S1', exempt: null });
      expect((events[0] as { facts: { fact: string }[] }).facts.map((f) => f.fact)).toContain(fact);
    }
  });

  it('says what fell and from where: the pump trip in MPa and minutes', () => {
    const w = world().substation();
    const [open] = oneByOne(w.engine, plant(after(10, { secSupplyPressure: 0.32 })));
    expect(open).toMatchObject({ facts: [{ fact: 'pump_stopped', fromMPa: expect.closeTo(0.15, 9), toMPa: expect.closeTo(0.02, 9) }] });
  });

  it('recovers 30 min after the pump runs again, once', () => {
    const w = world().substation();
    const events = oneByOne(w.engine, plant((m) => (m > 10 && m < 20 ? { secSupplyPressure: 0.32 } : {}), 80));
    expect(brief(events)).toEqual(['open substation_fault S1 @12', 'recovered substation_fault S1 @50']);
  });

  it('gives the same events when the readings arrive in one message in reverse order', () => {
    const inOrder = brief(oneByOne(world().substation().engine, plant(after(10, { secSupplyPressure: 0.32 }))));
    const reversed = brief(world().substation().engine.onReadings(plant(after(10, { secSupplyPressure: 0.32 })).reverse()));
    expect(reversed).toEqual(inOrder);
  });

  it.each<[string, (m: number) => Values, number, string[]]>([
    ['make-up at 3 % of the flow for 30 min opens a leak', after(10, { makeupFlow: 3 }), 60, ['open substation_leak S1 @41']],
    ['make-up at 3 % for 25 min, then normal', (m) => (m > 10 && m <= 35 ? { makeupFlow: 3 } : {}), 60, []],
    ['make-up at 1.5 %', after(10, { makeupFlow: 1.5 }), 60, []],
    ['a leak repaired: recovered 30 min after the make-up is back', (m) => (m > 10 && m <= 50 ? { makeupFlow: 3 } : {}), 100, ['open substation_leak S1 @41', 'recovered substation_leak S1 @81']],
  ])('%s', (_name, at, to, expected) => {
    const w = world().substation();
    const events = oneByOne(w.engine, plant(at, to));
    expect(brief(events)).toEqual(expected);
    if (expected.length > 0) expect(events[0]).toMatchObject({ ticketType: 'leak', facts: [{ fact: 'makeup_high', limitPercent: 2 }] });
  });

  it('does not take the make-up of a station whose flow a fault shut for a leak', () => {
    const w = world().substation();
    // A trip: the primary valve shuts (flow 3 %), the pump stops; the make-up goes on as before.
    const events = oneByOne(w.engine, plant(after(10, { flow: 3, secSupplyPressure: 0.29 }), 90));
    expect(brief(events)).toEqual(['open substation_fault S1 @12']);
  });

  it('takes collapses at several substations within 5 min as one burst: the later ones go under the first', () => {
    const w = world().substation('S1').substation('S2').substation('S3');
    const burst = (id: string, minute: number) => plant(after(minute, { supplyPressure: 0.6 }), 60, id);
    const events = [...oneByOne(w.engine, burst('S1', 10)), ...oneByOne(w.engine, burst('S2', 13)), ...oneByOne(w.engine, burst('S3', 30))];
    const opens = events.filter((e) => e.kind === 'open');
    expect(opens.map((e) => [e.deviceId, (e as { under?: string }).under ?? null])).toEqual([
      ['S1', null],
      ['S2', 'S1'],
      ['S3', null],
    ]);
  });
});
