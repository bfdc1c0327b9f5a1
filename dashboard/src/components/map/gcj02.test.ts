import { describe, expect, it } from 'vitest';
import { outOfChina, wgs84ToGcj02 } from './gcj02.ts';

const metres = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) => {
  const dy = (a.lat - b.lat) * 111_195;
  const dx = (a.lng - b.lng) * 111_195 * Math.cos((a.lat * Math.PI) / 180);
  return Math.hypot(dx, dy);
};

describe('WGS-84 → GCJ-02', () => {
  it('matches the published reference value for Tiananmen (coordtransform test vector)', () => {
    const p = wgs84ToGcj02(39.915, 116.404);
    expect(p.lat).toBeCloseTo(39.91640428150164, 10);
    expect(p.lng).toBeCloseTo(116.41024449916938, 10);
  });

  it('moves a Zoucheng building about half a kilometre east, the offset seen on AMap there', () => {
    const wgs = { lat: 35.405, lng: 116.973 };
    const gcj = wgs84ToGcj02(wgs.lat, wgs.lng);
    expect(gcj.lng).toBeGreaterThan(wgs.lng);
    expect(metres(wgs, gcj)).toBeGreaterThan(400);
    expect(metres(wgs, gcj)).toBeLessThan(600);
  });

  it.each([
    ['Berlin', 52.52, 13.405],
    ['Sydney', -33.8688, 151.2093],
    ['Ulaanbaatar (north of the box)', 56.1, 106.9],
  ])('leaves %s unshifted', (_name, lat, lng) => {
    expect(outOfChina(lat, lng)).toBe(true);
    expect(wgs84ToGcj02(lat, lng)).toEqual({ lat, lng });
  });
});
