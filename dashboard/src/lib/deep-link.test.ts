import { describe, expect, it } from 'vitest';
import { ticketFromHash } from './deep-link.ts';

describe('links from notifications', () => {
  it.each([
    ['#ticket=T-000123', 'T-000123'],
    ['#ticket=T-000123&x=1', 'T-000123'],
    ['', null],
    ['#ticket=', null],
    ['#ticket=%3Cscript%3E', null],
  ])('%s → %s', (hash, id) => {
    expect(ticketFromHash(hash)).toBe(id);
  });
});
