import { describe, expect, it } from 'vitest';
import { POLICY as policy } from './duty-fixture.ts';
import { draftFromPolicy, policyFromDraft } from './policy-form.ts';

describe('policy form', () => {
  it('round-trips the policy; the reminder reads as a percentage', () => {
    const d = draftFromPolicy(policy);
    expect(d.remindPercent).toBe('75');
    expect(d.types.sensor_offline.escalateAfterMin).toBe('');
    expect(policyFromDraft(d)).toEqual({ policy });
  });

  it('turns an empty delay into "never" and an unticked reminder into null', () => {
    const d = draftFromPolicy(policy);
    d.types.leak.escalateAfterMin = ' ';
    d.remind = false;
    d.remindPercent = 'not checked when off';
    const out = policyFromDraft(d);
    expect('policy' in out && out.policy.types.leak).toEqual({ page: true, pageAfterMin: 0, escalateAfterMin: null });
    expect('policy' in out && out.policy.remindAtFraction).toBe(null);
  });

  it('keeps a cold room’s page hold through a save (it was lost before), and refuses one over 120 minutes', () => {
    const d = draftFromPolicy(policy);
    expect(d.types.room_temp_low.pageAfterMin).toBe('10');
    d.types.temp_drop.pageAfterMin = '200';
    expect(policyFromDraft(d)).toEqual({ errors: { 'temp_drop.hold': 'duty.policy.error.hold' } });
  });

  it('keeps callback messages off once an admin unticks them', () => {
    const d = draftFromPolicy(policy);
    expect(d.callbacks).toBe(true);
    d.callbacks = false;
    const out = policyFromDraft(d);
    expect('policy' in out && out.policy.callbacks).toBe(false);
  });

  it('refuses delays outside 1–1440 minutes and a reminder outside 1–99 %', () => {
    const d = draftFromPolicy(policy);
    d.types.repair.escalateAfterMin = '0';
    d.types.leak.escalateAfterMin = '2000';
    d.types.inquiry.escalateAfterMin = 'abc';
    d.remindPercent = '100';
    expect(policyFromDraft(d)).toEqual({
      errors: { repair: 'duty.policy.error.minutes', leak: 'duty.policy.error.minutes', inquiry: 'duty.policy.error.minutes', remindPercent: 'duty.policy.error.percent' },
    });
  });
});
