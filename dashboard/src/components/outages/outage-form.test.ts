import { describe, expect, it } from 'vitest';
import { beijingInput, beijingInstant, emptyDraft, noticeWillBeLate, stopBody } from './outage-form.ts';

const NOW = Date.parse('2026-12-10T09:20:00+08:00');

describe('the stop form', () => {
  it('reads the times typed as Beijing time, whatever the browser’s zone', () => {
    expect(beijingInstant('2026-12-11T08:00')).toBe(Date.parse('2026-12-11T00:00:00Z'));
    expect(beijingInput(Date.parse('2026-12-11T00:00:00Z'))).toBe('2026-12-11T08:00');
    expect(beijingInstant('2026-12-11')).toBeNull();
    expect(beijingInstant('')).toBeNull();
  });

  it('starts a new stop tomorrow on the hour, eight hours long', () => {
    expect(emptyDraft(NOW)).toMatchObject({ kind: 'planned', startsAt: '2026-12-11T11:00', endsAt: '2026-12-11T19:00' });
  });

  it('sends a planned stop with its end, an unplanned one without a known restore time', () => {
    const planned = { substationId: 'S-1', kind: 'planned' as const, startsAt: '2026-12-12T08:00', endsAt: '2026-12-12T16:00', reason: ' 换热器检修 ', areas: '' };
    expect(stopBody(planned)).toEqual({ body: { substationId: 'S-1', kind: 'planned', startsAt: '2026-12-12T00:00:00.000Z', endsAt: '2026-12-12T08:00:00.000Z', reason: '换热器检修' } });
    expect(stopBody({ ...planned, kind: 'unplanned', endsAt: '', areas: '幸福小区' })).toEqual({
      body: { substationId: 'S-1', kind: 'unplanned', startsAt: '2026-12-12T00:00:00.000Z', reason: '换热器检修', areas: '幸福小区' },
    });
  });

  it('says what is missing or wrong before sending anything', () => {
    expect(stopBody({ substationId: '', kind: 'planned', startsAt: '', endsAt: '', reason: ' ', areas: '' })).toEqual({
      errors: { substationId: 'outage.error.substation', startsAt: 'outage.error.time', endsAt: 'outage.error.plannedEnd', reason: 'outage.error.reason' },
    });
    expect(stopBody({ substationId: 'S-1', kind: 'planned', startsAt: '2026-12-12T08:00', endsAt: '2026-12-12T07:00', reason: 'x', areas: '' })).toEqual({ errors: { endsAt: 'outage.error.endBeforeStart' } });
  });

  it('warns that a planned stop starting within 24 h will be told late; an unplanned one is never late', () => {
    expect(noticeWillBeLate({ kind: 'planned', startsAt: '2026-12-11T09:00' }, NOW)).toBe(true);
    expect(noticeWillBeLate({ kind: 'planned', startsAt: '2026-12-11T09:30' }, NOW)).toBe(false);
    expect(noticeWillBeLate({ kind: 'unplanned', startsAt: '2026-12-10T09:00' }, NOW)).toBe(false);
  });
});
