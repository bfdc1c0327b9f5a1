import { describe, expect, it } from 'vitest';
import { rangeQuery, readingsPath, seasonStart } from './history-range.ts';

const at = (iso: string) => Date.parse(iso);

describe('history ranges', () => {
  it('asks for the last 24 h in 5-minute buckets and the last 7 days hourly, ending now', () => {
    const now = at('2026-12-10T04:30:00.000Z');
    expect(rangeQuery('24h', now)).toEqual({ from: '2026-12-09T04:30:00.000Z', to: '2026-12-10T04:30:00.000Z', every: '5m' });
    expect(rangeQuery('7d', now)).toEqual({ from: '2026-12-03T04:30:00.000Z', to: '2026-12-10T04:30:00.000Z', every: '1h' });
  });

  it('starts the season at midnight Beijing time on 15 November (16:00 UTC the day before)', () => {
    const now = at('2026-12-10T04:30:00.000Z');
    expect(rangeQuery('season', now)).toEqual({ from: '2026-11-14T16:00:00.000Z', to: '2026-12-10T04:30:00.000Z', every: '6h' });
  });

  it('keeps last year’s 15 November after the new year, until 1 July and beyond', () => {
    expect(new Date(seasonStart(at('2027-01-03T02:00:00.000Z'))).toISOString()).toBe('2026-11-14T16:00:00.000Z');
    expect(new Date(seasonStart(at('2027-03-19T12:00:00.000Z'))).toISOString()).toBe('2026-11-14T16:00:00.000Z');
    // The summer gap: the last season, never a start in the future.
    expect(new Date(seasonStart(at('2027-08-01T00:00:00.000Z'))).toISOString()).toBe('2026-11-14T16:00:00.000Z');
  });

  it('turns over at Beijing midnight, not at UTC midnight', () => {
    // 14 Nov 23:59 in Beijing: still last season.
    expect(new Date(seasonStart(at('2026-11-14T15:59:00.000Z'))).toISOString()).toBe('2025-11-14T16:00:00.000Z');
    // 15 Nov 00:00 in Beijing, still 14 Nov in UTC: the new season has begun.
    expect(new Date(seasonStart(at('2026-11-14T16:00:00.000Z'))).toISOString()).toBe('2026-11-14T16:00:00.000Z');
    // New Year's Eve 23:30 UTC is already 1 January in Beijing: same season either way.
    expect(new Date(seasonStart(at('2026-12-31T23:30:00.000Z'))).toISOString()).toBe('2026-11-14T16:00:00.000Z');
  });

  it('keeps a season query within the API limit of 10 000 buckets', () => {
    const now = at('2027-11-14T15:00:00.000Z'); // the longest span: a day short of a year
    const q = rangeQuery('season', now);
    expect((Date.parse(q.to) - Date.parse(q.from)) / (6 * 3_600_000)).toBeLessThan(10_000);
  });

  it('builds an encoded readings path', () => {
    const path = readingsPath('ZC R/1', { from: '2026-12-09T04:30:00.000Z', to: '2026-12-10T04:30:00.000Z', every: '5m' });
    expect(path).toBe('/api/devices/ZC%20R%2F1/readings?from=2026-12-09T04%3A30%3A00.000Z&to=2026-12-10T04%3A30%3A00.000Z&every=5m');
  });
});
