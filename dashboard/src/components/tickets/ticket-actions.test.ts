import { describe, expect, it } from 'vitest';
import { actionBody, availableActions } from './ticket-actions.ts';
import { chartsFor } from './ticket-readings.ts';
import { timelineActionKey } from './timeline-labels.ts';

const dispatcher = 'dispatcher';
const engineer = 'engineer';
const viewer = 'viewer';
const room = { type: 'room_temp_low' } as const;

describe('lifecycle actions', () => {
  it('offers the steps the status allows, callback and close only to dispatch, nothing to a viewer', () => {
    expect(availableActions({ ...room, status: 'open' }, engineer)).toEqual(['acknowledge']);
    expect(availableActions({ ...room, status: 'acknowledged' }, engineer)).toEqual(['on_site', 'resolve']);
    expect(availableActions({ ...room, status: 'on_site' }, engineer)).toEqual(['resolve']);
    expect(availableActions({ ...room, status: 'resolved' }, engineer)).toEqual([]);
    expect(availableActions({ ...room, status: 'resolved' }, dispatcher)).toEqual(['callback']);
    expect(availableActions({ type: 'sensor_offline', status: 'resolved' }, dispatcher)).toEqual(['callback', 'close']);
    expect(availableActions({ ...room, status: 'callback_done' }, dispatcher)).toEqual(['close']);
    expect(availableActions({ ...room, status: 'callback_done' }, engineer)).toEqual([]);
    expect(availableActions({ ...room, status: 'closed' }, dispatcher)).toEqual([]);
    expect(availableActions({ ...room, status: 'open' }, viewer)).toEqual([]);
  });

  it('requires the cause to resolve and sends "complex" only for an inquiry', () => {
    const input = { note: '  ', cause: ' ', complex: true };
    expect(actionBody('resolve', room, input)).toEqual({ missing: 'ticket.action.causeRequired' });
    expect(actionBody('resolve', room, { ...input, cause: ' 阀门老化 ', note: '已更换' })).toEqual({ body: { cause: '阀门老化', note: '已更换' } });
    expect(actionBody('acknowledge', { type: 'inquiry' }, input)).toEqual({ body: { complex: true } });
    expect(actionBody('acknowledge', room, input)).toEqual({ body: {} });
  });
});

describe('detail helpers', () => {
  it('names known timeline actions and leaves unknown ones as sent', () => {
    expect(timelineActionKey('on_site')).toBe('timeline.on_site');
    expect(timelineActionKey('escalated')).toBeNull();
    expect(timelineActionKey('toString')).toBeNull();
  });

  it('charts a room against 18 °C and a substation as temperatures and pressures, without missing fields', () => {
    const roomRows = [{ ts: '2026-12-10T00:00:00.000Z', temp: 17.4, humidity: 40 }];
    expect(chartsFor(roomRows, 'room', 18).map((c) => [c.unit, c.thresholdC, c.fields.map((f) => f.key)])).toEqual([['℃', 18, ['temp']]]);
    expect(chartsFor(roomRows, 'room', 20)[0]!.thresholdC).toBe(20);
    const stationRows = [{ ts: '2026-12-10T00:00:00.000Z', supplyTemp: 90, returnTemp: 50, supplyPressure: 0.8 }];
    expect(chartsFor(stationRows, undefined, 18).map((c) => [c.unit, c.fields.map((f) => f.key)])).toEqual([
      ['℃', ['supplyTemp', 'returnTemp']],
      [' MPa', ['supplyPressure']],
    ]);
    expect(chartsFor([], 'room', 18)).toEqual([]);
  });
});
