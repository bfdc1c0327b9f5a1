import { describe, expect, it } from 'vitest';
import { readingAge } from './reading-age.ts';

const NOW = Date.parse('2026-12-05T12:00:00+08:00');
const at = (hoursAgo: number) => new Date(NOW - hoursAgo * 3_600_000).toISOString();

describe('reading age', () => {
  it('calls a connected room whose newest reading is 22 h old a backlog, not a fresh value', () => {
    expect(readingAge({ online: true, intervalSec: 900 }, at(22), NOW)).toEqual({ ageMs: 22 * 3_600_000, backlog: true });
  });

  it('takes an hourly store-and-forward upload as normal', () => {
    expect(readingAge({ online: true, intervalSec: 900 }, at(1.5), NOW).backlog).toBe(false);
  });

  it('allows a slow sensor three of its own intervals', () => {
    expect(readingAge({ online: true, intervalSec: 3600 }, at(2.5), NOW).backlog).toBe(false);
    expect(readingAge({ online: true, intervalSec: 3600 }, at(3.5), NOW).backlog).toBe(true);
  });

  it('says nothing of a backlog for an offline device: it is simply silent', () => {
    expect(readingAge({ online: false, intervalSec: 30 }, at(22), NOW).backlog).toBe(false);
  });
});
