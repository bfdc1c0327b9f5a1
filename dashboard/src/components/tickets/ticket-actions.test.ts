import { describe, expect, it } from 'vitest';
import { actionBody, mayRecordExemption, numberToCall, availableActions } from './ticket-actions.ts';
import { chartsFor } from './ticket-readings.ts';
import { timelineActionKey } from './timeline-labels.ts';

const dispatcher = 'dispatcher';
const engineer = 'engineer';
const viewer = 'viewer';
const room = { type: 'room_temp_low' } as const;

describe('lifecycle actions', () => {
  it('offers the steps the status allows, callback and close only to dispatch, nothing to a viewer', () => {
    expect(availableActions({ ...room, status: 'open' }, engineer)).toEqual(['acknowledge']);
    // A cold room's promise is the cause found (二.1(4)): once, before or after going on site.
    expect(availableActions({ ...room, status: 'acknowledged' }, engineer)).toEqual(['diagnose', 'on_site', 'resolve']);
    expect(availableActions({ ...room, status: 'on_site' }, engineer)).toEqual(['diagnose', 'resolve']);
    expect(availableActions({ ...room, status: 'on_site', diagnosedAt: '2026-12-10T02:00:00.000Z' }, engineer)).toEqual(['resolve']);
    expect(availableActions({ type: 'repair', status: 'acknowledged' }, engineer)).toEqual(['on_site', 'resolve']);
    // A complex inquiry may go to the department that negotiates (dispatch decides); a plain one may not.
    expect(availableActions({ type: 'inquiry', milestone: 'full_answer', status: 'acknowledged' }, dispatcher)).toEqual(['on_site', 'negotiate', 'resolve']);
    expect(availableActions({ type: 'inquiry', milestone: 'full_answer', status: 'acknowledged' }, engineer)).toEqual(['on_site', 'resolve']);
    expect(availableActions({ type: 'inquiry', milestone: 'first_reply', status: 'acknowledged' }, dispatcher)).toEqual(['on_site', 'resolve']);
    expect(availableActions({ type: 'inquiry', milestone: 'full_answer', status: 'negotiating' }, dispatcher)).toEqual(['resolve']);
    expect(availableActions({ type: 'suggestion', status: 'resolved' }, dispatcher)).toEqual(['close']); // answered: nobody to call back
    expect(availableActions({ ...room, status: 'resolved' }, engineer)).toEqual([]);
    expect(availableActions({ ...room, status: 'resolved' }, dispatcher)).toEqual(['callback']);
    expect(availableActions({ type: 'sensor_offline', status: 'resolved' }, dispatcher)).toEqual(['close']); // no customer to call back
    expect(availableActions({ type: 'room_temp_low', rule: 'correlation', status: 'resolved' }, dispatcher)).toEqual(['close']); // an incident: its rooms are called one by one
    expect(availableActions({ ...room, status: 'callback_done' }, dispatcher)).toEqual(['close']);
    expect(availableActions({ ...room, status: 'callback_done' }, engineer)).toEqual([]);
    expect(availableActions({ ...room, status: 'closed' }, dispatcher)).toEqual([]);
    expect(availableActions({ ...room, status: 'open' }, viewer)).toEqual([]);
  });

  it('requires the cause to resolve (unless found already) and sends "complex" only for an inquiry', () => {
    const input = { note: '  ', cause: ' ', explanation: '', department: '', complex: true, satisfaction: null, calledNumber: '' };
    expect(actionBody('resolve', room, input)).toEqual({ missing: 'ticket.action.causeRequired' });
    expect(actionBody('resolve', { ...room, cause: '阀门故障' }, input)).toEqual({ body: {} });
    expect(actionBody('resolve', room, { ...input, cause: ' 阀门老化 ', note: '已更换' })).toEqual({ body: { cause: '阀门老化', note: '已更换' } });
    expect(actionBody('acknowledge', { type: 'inquiry' }, input)).toEqual({ body: { complex: true } });
    expect(actionBody('acknowledge', room, input)).toEqual({ body: {} });
  });

  it("records at the resolution that the building or the customer's installation was the cause, for one room's temperature ticket only", () => {
    const input = { note: '', cause: '窗户未封闭，围护结构不达标', explanation: '', department: '', complex: false, satisfaction: null, calledNumber: '' };
    expect(actionBody('resolve', room, { ...input, exemption: 'building_envelope' })).toEqual({ body: { cause: '窗户未封闭，围护结构不达标', exemption: 'building_envelope' } });
    expect(actionBody('resolve', room, { ...input, exemption: '' })).toEqual({ body: { cause: '窗户未封闭，围护结构不达标' } });
    expect(mayRecordExemption({ type: 'room_temp_low', deviceId: 'R1' })).toBe(true);
    expect(mayRecordExemption({ type: 'heating_quality', deviceId: null })).toBe(false);
    expect(mayRecordExemption({ type: 'repair', deviceId: 'R1' })).toBe(false);
  });

  it('finds the cause only with what the customer was told, and negotiates only with a department', () => {
    const input = { note: '', cause: ' 立管阀门损坏 ', explanation: '', department: '', complex: false, satisfaction: null, calledNumber: '' };
    expect(actionBody('diagnose', room, { ...input, cause: '' })).toEqual({ missing: 'ticket.action.causeRequired' });
    expect(actionBody('diagnose', room, input)).toEqual({ missing: 'ticket.action.explanationRequired' });
    expect(actionBody('diagnose', room, { ...input, explanation: ' 已电话告知，明天更换 ' })).toEqual({ body: { cause: '立管阀门损坏', explanation: '已电话告知，明天更换' } });
    expect(actionBody('negotiate', { type: 'inquiry' }, input)).toEqual({ missing: 'ticket.action.departmentRequired' });
    expect(actionBody('negotiate', { type: 'inquiry' }, { ...input, department: '工程部' })).toEqual({ body: { department: '工程部' } });
  });

  it('records a callback only with what the customer said and a number that can be dialled', () => {
    const input = { note: '', cause: '', explanation: '', department: '', complex: false, satisfaction: null, calledNumber: '13900000002' };
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
