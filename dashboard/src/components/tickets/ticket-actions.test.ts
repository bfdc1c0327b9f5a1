import { describe, expect, it } from 'vitest';
import { actionBody, numberToCall, availableActions } from './ticket-actions.ts';
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
    expect(availableActions({ type: 'sensor_offline', status: 'resolved' }, dispatcher)).toEqual(['close']); // no customer to call back
    expect(availableActions({ type: 'room_temp_low', rule: 'correlation', status: 'resolved' }, dispatcher)).toEqual(['close']); // an incident: its rooms are called one by one
    expect(availableActions({ ...room, status: 'callback_done' }, dispatcher)).toEqual(['close']);
    expect(availableActions({ ...room, status: 'callback_done' }, engineer)).toEqual([]);
    expect(availableActions({ ...room, status: 'closed' }, dispatcher)).toEqual([]);
    expect(availableActions({ ...room, status: 'open' }, viewer)).toEqual([]);
  });

  it('requires the cause to resolve and sends "complex" only for an inquiry', () => {
    const input = { note: '  ', cause: ' ', complex: true, satisfaction: null, calledNumber: '' };
    expect(actionBody('resolve', room, input)).toEqual({ missing: 'ticket.action.causeRequired' });
    expect(actionBody('resolve', room, { ...input, cause: ' 阀门老化 ', note: '已更换' })).toEqual({ body: { cause: '阀门老化', note: '已更换' } });
    expect(actionBody('acknowledge', { type: 'inquiry' }, input)).toEqual({ body: { complex: true } });
    expect(actionBody('acknowledge', room, input)).toEqual({ body: {} });
  });

  it('records a callback only with what the customer said and a number that can be dialled', () => {
    const input = { note: '', cause: '', complex: false, satisfaction: null, calledNumber: '13900000002' };
    expect(actionBody('callback', room, input)).toEqual({ missing: 'ticket.callback.satisfactionRequired' });
    expect(actionBody('callback', room, { ...input, satisfaction: 'satisfied', calledNumber: '李女士' })).toEqual({ missing: 'ticket.callback.numberRequired' });
    expect(actionBody('callback', room, { ...input, satisfaction: 'basically_satisfied', calledNumber: ' 0537-5316206 ', note: '已热' })).toEqual({
      body: { note: '已热', satisfaction: 'basically_satisfied', calledNumber: '0537-5316206' },
    });
  });

  it('finds the number to call in the contact a dispatcher typed', () => {
    expect(numberToCall('李女士 139 0000 0002')).toBe('13900000002');
    expect(numberToCall('王先生，电话 0537-5316206，下午在家')).toBe('0537-5316206');
    expect(numberToCall('3号楼2单元')).toBe('');
    expect(numberToCall(null)).toBe('');
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
