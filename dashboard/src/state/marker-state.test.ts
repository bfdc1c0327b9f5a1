import { describe, expect, it } from 'vitest';
import type { DeviceView } from '../../../ingest/contracts/devices.ts';
import { markerState, worse } from './marker-state.ts';

const room = (over: Partial<DeviceView> = {}): DeviceView => ({
  id: 'R1',
  kind: 'room',
  name: '幸福小区 1-1-101 卧室',
  lat: 35.4,
  lng: 116.9,
  address: '',
  roomType: 'bedroom',
  substationId: 'S1',
  intervalSec: 900,
  createdAt: '2026-11-01T00:00:00.000Z',
  online: true,
  lastSeenAt: '2026-12-10T00:00:00.000Z',
  dataQuality: null,
  lastReading: { ts: '2026-12-10T00:00:00.000Z', values: { temp: 20.1 } },
  ...over,
});

describe('marker state', () => {
  it.each([
    ['a warm, connected room', room(), false, 'ok'],
    ['a room at 17.9 °C', room({ lastReading: { ts: '2026-12-10T00:00:00.000Z', values: { temp: 17.9 } } }), false, 'cold'],
    ['a room exactly at 18.0 °C', room({ lastReading: { ts: '2026-12-10T00:00:00.000Z', values: { temp: 18 } } }), false, 'ok'],
    ['a cold room with its ticket open', room({ lastReading: { ts: '2026-12-10T00:00:00.000Z', values: { temp: 16 } } }), true, 'ticket'],
    ['a disconnected room', room({ online: false }), false, 'offline'],
    ['a room never heard from', room({ online: false, lastSeenAt: null, lastReading: null }), false, 'noData'],
    ['a fresh data-quality flag', room({ dataQuality: { at: '2026-12-09T23:30:00.000Z', facts: [{ fact: 'too_fast', field: 'temp', from: 20, to: 27, withinMs: 300_000, maxChange: 5, perMin: 10 }] } }), false, 'dataQuality'],
    ['an old data-quality flag', room({ dataQuality: { at: '2026-12-09T20:00:00.000Z', facts: [{ fact: 'too_fast', field: 'temp', from: 20, to: 27, withinMs: 300_000, maxChange: 5, perMin: 10 }] } }), false, 'ok'],
  ] as const)('%s → %s', (_what, device, ticket, expected) => {
    expect(markerState(device, ticket, 18)).toBe(expected);
  });

  it("judges cold by the server's threshold, and calls nothing cold before it is known", () => {
    const at195 = room({ lastReading: { ts: '2026-12-10T00:00:00.000Z', values: { temp: 19.5 } } });
    expect(markerState(at195, false, 18)).toBe('ok');
    expect(markerState(at195, false, 20)).toBe('cold'); // a company that promises 20 °C
    expect(markerState(room({ lastReading: { ts: '2026-12-10T00:00:00.000Z', values: { temp: 5 } } }), false, Number.NaN)).toBe('ok');
  });

  it('orders the worst first for clusters', () => {
    expect(worse('ok', 'cold')).toBe('cold');
    expect(worse('ticket', 'offline')).toBe('ticket');
    expect(worse('noData', 'dataQuality')).toBe('dataQuality');
  });
});
