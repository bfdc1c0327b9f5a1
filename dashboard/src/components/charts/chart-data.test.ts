import { describe, expect, it } from 'vitest';
import { chartSeconds, legendTime, timeLabels, toColumns, yRange } from './chart-data.ts';

describe('chart data', () => {
  it('labels in Asia/Shanghai whatever the browser zone', () => {
    const ms = Date.parse('2026-12-10T00:00:00Z'); // 08:00 in Shanghai
    // A UTC browser (offset 0) must show 08:00: shifted by +8 h.
    expect(chartSeconds(ms, 0) * 1000 - ms).toBe(8 * 3_600_000);
    // A Shanghai browser (offset −480) needs no shift.
    expect(chartSeconds(ms, -480) * 1000).toBe(ms);
  });

  it('turns API rows into columns with gaps as null', () => {
    const [xs, temp, humidity] = toColumns(
      [
        { ts: '2026-12-10T00:00:00Z', temp: 20.1 },
        { ts: '2026-12-10T00:05:00Z', humidity: 40 },
      ],
      ['temp', 'humidity'],
    );
    expect(xs).toHaveLength(2);
    expect(temp).toEqual([20.1, null]);
    expect(humidity).toEqual([null, 40]);
  });

  it('keeps the 18 °C line in view and does not magnify noise', () => {
    const [lo, hi] = yRange(21.2, 21.4, 18);
    expect(lo).toBeLessThan(18);
    expect(hi).toBeGreaterThan(21.4);
    const [a, b] = yRange(0.87, 0.871);
    expect(b - a).toBeGreaterThan(0.017);
    expect(b - a).toBeLessThan(0.1);
  });

  it('labels the axis 24-hour, with the date at midnight and over long spans', () => {
    const at = (iso: string) => chartSeconds(Date.parse(iso));
    expect(timeLabels([at('2026-12-10T08:00:00+08:00'), at('2026-12-11T00:00:00+08:00')], 86_400)).toEqual(['08:00', '12-11']);
    expect(timeLabels([at('2026-12-10T08:00:00+08:00')], 7 * 86_400)).toEqual(['12-10']);
  });

  it('says the time under the cursor in the legend in Beijing time, and nothing ("--" before) without a cursor', () => {
    expect(legendTime(chartSeconds(Date.parse('2026-12-10T08:05:00+08:00')))).toBe('12-10 08:05');
    expect(legendTime(null)).toBe('');
  });
});
