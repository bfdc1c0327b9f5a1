import { describe, expect, it } from 'vitest';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { DEADLINE_TONE, countdown, countdownText } from './countdown.ts';
import { HOUR, OPENED, ticket } from './ticket-fixture.ts';

const MIN = 60_000;
const zh = new I18n(null);
const t = ticket({ id: 'T-1' }); // 8 h allowed: at risk from 6 h on

describe('live countdown', () => {
  it('is on time until 75 % of the allowed time is gone, then at risk, then breached', () => {
    expect(countdown(t, OPENED + 6 * HOUR - 1).state).toBe('on_time');
    expect(countdown(t, OPENED + 6 * HOUR).state).toBe('at_risk');
    expect(countdown(t, OPENED + 8 * HOUR).state).toBe('at_risk');
    expect(countdown(t, OPENED + 8 * HOUR + 1).state).toBe('breached');
    expect(DEADLINE_TONE[countdown(t, OPENED + 6 * HOUR - 1).state]).toBe('good');
    expect(DEADLINE_TONE[countdown(t, OPENED + 6 * HOUR).state]).toBe('warn');
    expect(DEADLINE_TONE[countdown(t, OPENED + 8 * HOUR + 1).state]).toBe('bad');
  });

  it('counts the time left down and the time over up, as the dispatcher reads it', () => {
    expect(countdownText(countdown(t, OPENED + 8 * HOUR - 65 * MIN), zh)).toBe('剩余 1 小时 05 分');
    expect(countdownText(countdown(t, OPENED + 8 * HOUR - 30_000), zh)).toBe('剩余 30 秒');
    expect(countdownText(countdown(t, OPENED + 8 * HOUR), zh)).toBe('剩余 0 秒');
    expect(countdownText(countdown(t, OPENED + 8 * HOUR + 12 * MIN), zh)).toBe('超时 12 分 00 秒');
    const en = new I18n(null);
    en.toggle();
    expect(countdownText(countdown(t, OPENED + 8 * HOUR + 2 * HOUR + 5 * MIN), en)).toBe('2 h 05 min overdue');
  });

  it('says how a reached milestone went and stays neutral once met; no deadline is neutral too', () => {
    const met = countdown({ ...t, milestoneAt: new Date(OPENED + 7 * HOUR).toISOString() }, OPENED + 20 * HOUR);
    expect([met.state, countdownText(met, zh), DEADLINE_TONE[met.state]]).toEqual(['met', '已按时完成', 'neutral']);
    const late = countdown({ ...t, milestoneAt: new Date(OPENED + 9 * HOUR).toISOString() }, OPENED + 20 * HOUR);
    expect([late.state, countdownText(late, zh), DEADLINE_TONE[late.state]]).toEqual(['breached', '超时完成', 'bad']);
    const none = countdown({ ...t, dueAt: null }, OPENED + 20 * HOUR);
    expect([none.state, countdownText(none, zh), DEADLINE_TONE[none.state]]).toEqual(['none', '无时限', 'neutral']);
  });

  it('follows the clock, not the deadline state the server last sent', () => {
    const stale = { ...t, deadlineState: 'on_time' as const };
    expect(countdown(stale, OPENED + 9 * HOUR).state).toBe('breached');
  });
});
