import { describe, expect, it } from 'vitest';
import { chartFloor, complianceChart, tickLabel } from './compliance-chart.ts';

const days = (rates: (number | null)[]) => rates.map((complianceRate, i) => ({ date: `2026-12-${String(i + 1).padStart(2, '0')}`, complianceRate }));

describe('the daily compliance chart', () => {
  it('starts its scale low enough for the worst day, never above 90 %', () => {
    expect(chartFloor(days([0.99, 0.98]))).toBe(0.9);
    expect(chartFloor(days([0.99, 0.83]))).toBe(0.8);
    expect(chartFloor(days([0.12]))).toBe(0.1);
    expect(chartFloor(days([null, null]))).toBe(0.9);
  });

  it('draws a column per judged day, coloured against the target, higher for a better day; none for a day without room-days', () => {
    const g = complianceChart(days([0.99, 0.95, null, 1]), 0.97, { width: 452, height: 232 });
    expect(g.columns.map((c) => c.state)).toEqual(['met', 'missed', 'none', 'met']);
    expect(g.columns[2]!.y).toBeNull();
    const [a, b, , d] = g.columns.map((c) => c.y!);
    expect(d).toBe(g.plot.top); // 100 % reaches the top
    expect(a!).toBeLessThan(b!); // 99 % stands higher than 95 % (smaller y)
    expect(g.targetY).toBeGreaterThan(a!);
    expect(g.targetY).toBeLessThan(b!);
    expect(g.columns.every((c, i) => i === 0 || c.x > g.columns[i - 1]!.x)).toBe(true);
  });

  it('labels gridlines exactly: 97.5 % is not shown as 98 %', () => {
    const g = complianceChart(days([0.99]), 0.97, { width: 452, height: 232 });
    expect(g.ticks.map((t) => tickLabel(t.rate))).toEqual(['90%', '92.5%', '95%', '97.5%', '100%']);
  });

  it('labels every day when the columns are wide enough, fewer for a long range', () => {
    expect(complianceChart(days([1, 1, 1]), 0.97, { width: 452, height: 200 }).columns.map((c) => c.label)).toEqual(['1', '2', '3']);
    const month = complianceChart(days(Array.from({ length: 31 }, () => 1)), 0.97, { width: 300, height: 200 });
    expect(month.columns.filter((c) => c.label !== null).length).toBeLessThan(31);
    expect(month.columns[0]!.label).toBe('1');
  });
});
