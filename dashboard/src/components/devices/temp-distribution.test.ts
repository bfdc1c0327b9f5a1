import { describe, expect, it } from 'vitest';
import type { DeviceView } from '../../../../ingest/contracts/devices.ts';
import { binIndex, coldestRooms, distribution, emptyBins, median } from './temp-distribution.ts';

let seq = 0;
function room(temp: number | undefined, over: Partial<DeviceView> = {}): DeviceView {
  seq += 1;
  return {
    id: `R${seq}`,
    kind: 'room',
    name: `Room ${seq}`,
    lat: 35.4,
    lng: 116.97,
    address: '',
    roomType: 'bedroom',
    substationId: 'S1',
    intervalSec: 900,
    createdAt: '2026-11-01T00:00:00.000Z',
    online: true,
    lastSeenAt: temp === undefined ? null : '2026-12-10T00:00:00.000Z',
    dataQuality: null,
    lastReading: temp === undefined ? null : { ts: '2026-12-10T00:00:00.000Z', values: { temp } },
    ...over,
  };
}

describe('room temperature distribution', () => {
  it('has 14 bins: below 14, one per degree from 14 to 26, 26 and above; cold strictly below 18', () => {
    const bins = emptyBins(18);
    expect(bins).toHaveLength(14);
    expect(bins[0]).toMatchObject({ lo: null, hi: 14, cold: true });
    expect(bins[4]).toMatchObject({ lo: 17, hi: 18, cold: true });
    expect(bins[5]).toMatchObject({ lo: 18, hi: 19, cold: false });
    expect(bins[13]).toMatchObject({ lo: 26, hi: null, cold: false });
  });

  it('puts each temperature in the bin whose lower edge it reaches', () => {
    expect([-5, 13.99, 14, 17.99, 18, 25.99, 26, 40].map(binIndex)).toEqual([0, 0, 1, 4, 5, 12, 13, 13]);
  });

  it('counts rooms, cold ones, offline ones and ones without data, with the lowest and the median', () => {
    const rooms = [
      room(12.5),
      room(17.9),
      room(18),
      room(21.2, { online: false }),
      room(30),
      room(undefined), // provisioned, never heard from: no data, not offline
      room(undefined, { online: false, lastSeenAt: '2026-12-01T00:00:00.000Z' }), // seen once, silent since
    ];
    const d = distribution(rooms, 18);
    expect(d.bins.map((b) => b.count)).toEqual([1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(d).toMatchObject({ rooms: 7, cold: 2, offline: 2, noData: 2, lowest: 12.5, median: 18 });
  });

  it('has no lowest or median without temperatures', () => {
    expect(distribution([room(undefined)], 18)).toMatchObject({ rooms: 1, noData: 1, lowest: null, median: null });
    expect(distribution([], 18)).toMatchObject({ rooms: 0, lowest: null, median: null });
  });

  it('takes the mean of the middle two for an even count', () => {
    expect(median([17, 18, 20, 30])).toBe(19);
  });

  it('lists the coldest rooms with a temperature, coldest first, up to the limit', () => {
    const rooms = [room(20), room(undefined), room(15.2), room(18.4), room(16)];
    expect(coldestRooms(rooms, 3).map((c) => c.temp)).toEqual([15.2, 16, 18.4]);
  });
});
