import { describe, expect, it } from 'vitest';
import { MARKER_COLOURS } from '../../state/marker-state.ts';
import { clusterLabel, labelColour, spreadOverlaps } from './marker-paint.ts';

describe('cluster label', () => {
  it('shows the total and how many are in the worst state', () => {
    expect(clusterLabel({ total: 128, worst: 'ticket', worstCount: 3 })).toBe('128 · 3');
    expect(clusterLabel({ total: 40, worst: 'offline', worstCount: 40 })).toBe('40 · 40');
  });

  it('shows only the size of a quiet cluster', () => {
    expect(clusterLabel({ total: 36, worst: 'ok', worstCount: 30 })).toBe('36');
    expect(clusterLabel({ total: 5, worst: 'noData', worstCount: 5 })).toBe('5');
  });
});

describe('label colour', () => {
  it('writes dark on the light fills and white on the dark ones', () => {
    expect(labelColour(MARKER_COLOURS.ok)).not.toBe('#ffffff');
    expect(labelColour(MARKER_COLOURS.cold)).not.toBe('#ffffff');
    expect(labelColour(MARKER_COLOURS.noData)).not.toBe('#ffffff');
    expect(labelColour(MARKER_COLOURS.ticket)).toBe('#ffffff');
    expect(labelColour(MARKER_COLOURS.offline)).toBe('#ffffff');
    expect(labelColour(MARKER_COLOURS.dataQuality)).toBe('#ffffff');
  });
});

describe('spreading rooms that share a pixel', () => {
  it('fans out rooms at one spot so each can be clicked, and leaves lone rooms alone', () => {
    const out = spreadOverlaps([
      { x: 100, y: 100 },
      { x: 100, y: 100 },
      { x: 101, y: 100 },
      { x: 300, y: 50 },
    ]);
    expect(out[3]).toEqual({ x: 300, y: 50 });
    const fanned = out.slice(0, 3);
    for (let i = 0; i < fanned.length; i++) {
      for (let j = i + 1; j < fanned.length; j++) {
        expect(Math.hypot(fanned[i]!.x - fanned[j]!.x, fanned[i]!.y - fanned[j]!.y)).toBeGreaterThan(12);
      }
      expect(Math.hypot(fanned[i]!.x - 100, fanned[i]!.y - 100)).toBeLessThan(20);
    }
  });
});
