import { describe, expect, it } from 'vitest';
import { formBody, parseStaff, planBody, type FormDraft } from './visit-form.ts';

const draft = (over: Partial<FormDraft> = {}): FormDraft => ({ rooms: [{ room: '卧室', temp: '17.5', deviceId: 'R-1' }, { room: '客厅', temp: '', deviceId: 'R-2' }], signature: null, refused: false, reason: '', neighbourId: '', neighbourTemp: '', ...over });

describe('visit forms', () => {
  it('reads the staff however they were separated, each once', () => {
    expect(parseStaff('张工, 李工、王工 张工')).toEqual(['张工', '李工', '王工']);
  });

  it('plans only with a time and two people, in Beijing time', () => {
    expect(planBody('H-1', { scheduledAt: '', staff: '张工 李工', night: false, ticketId: '' })).toEqual({ error: 'visit.error.time' });
    expect(planBody('H-1', { scheduledAt: '2026-12-06T10:00', staff: '张工', night: false, ticketId: '' })).toEqual({ error: 'visit.error.staff' });
    expect(planBody('H-1', { scheduledAt: '2026-12-06T10:00', staff: '张工，李工', night: false, ticketId: ' T-000012 ' })).toEqual({
      body: { householdId: 'H-1', scheduledAt: '2026-12-06T02:00:00.000Z', staff: ['张工', '李工'], customerAskedForNight: false, ticketId: 'T-000012' },
    });
  });

  it('sends the rooms measured, and a signature or a refusal with a neighbour — never neither', () => {
    expect(formBody(draft({ rooms: [{ room: '卧室', temp: 'abc', deviceId: null }] }))).toEqual({ error: 'visit.error.measure' });
    expect(formBody(draft())).toEqual({ error: 'visit.error.sign' });
    expect(formBody(draft({ signature: 'data:image/png;base64,AAAA' }))).toEqual({ body: { measurements: [{ room: '卧室', temp: 17.5, deviceId: 'R-1' }], signature: 'data:image/png;base64,AAAA' } });
    expect(formBody(draft({ refused: true, reason: '不愿签字' }))).toEqual({ error: 'visit.error.neighbour' });
    expect(formBody(draft({ refused: true, reason: '不愿签字', neighbourId: 'H-2', neighbourTemp: '18,4' }))).toEqual({
      body: { measurements: [{ room: '卧室', temp: 17.5, deviceId: 'R-1' }], refused: { reason: '不愿签字', neighbourHouseholdId: 'H-2', neighbourMeasurements: [{ room: '客厅', temp: 18.4 }] } },
    });
  });
});
