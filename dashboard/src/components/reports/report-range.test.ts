import { describe, expect, it } from 'vitest';
import { lastMonth, monthRange, monthToDate, percentText, targetState } from './report-range.ts';

describe('report range', () => {
  it('takes a month from its first to its last day, February and December included', () => {
    expect(monthRange('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(monthRange('2027-02')).toEqual({ from: '2027-02-01', to: '2027-02-28' });
    expect(monthRange('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
  });

  it('offers this month to date, in Beijing time', () => {
    expect(monthToDate(Date.parse('2026-12-05T10:00:00+08:00'))).toEqual({ from: '2026-12-01', to: '2026-12-05' });
    expect(monthToDate(Date.parse('2026-11-30T17:00:00Z'))).toEqual({ from: '2026-12-01', to: '2026-12-01' });
  });

  it('defaults to last month in Beijing time', () => {
    // 2027-01-01 01:00 Beijing is still 31 December in UTC: last month is December.
    expect(lastMonth(Date.parse('2027-01-01T01:00:00+08:00'))).toBe('2026-12');
    expect(lastMonth(Date.parse('2026-12-05T10:00:00+08:00'))).toBe('2026-11');
  });

  it('shows a rate without rounding it up past its target, and judges it', () => {
    // 96.99 % must not read as 97.0 % beside a 97 % target.
    expect(percentText(0.96999)).toBe('96.9 %');
    expect(percentText(1)).toBe('100.0 %');
    expect(percentText(null)).toBe('—');
    expect(targetState(0.9699, 0.97)).toBe('missed');
    expect(targetState(0.97, 0.97)).toBe('met');
    expect(targetState(null, 1)).toBe('none');
  });
});
