import { describe, expect, it, vi } from 'vitest';
import type { DeviceView } from '../../../../ingest/contracts/devices.ts';
import { MARKER_STATES } from '../../state/marker-state.ts';
import { FleetIndex, type BBox, type DeviceSource, type TicketFlags } from './fleet-index.ts';
import { wgs84ToGcj02 } from './gcj02.ts';

const AT = '2026-12-10T00:00:00.000Z';
const device = (id: string, over: Partial<DeviceView> = {}): DeviceView => ({
  id,
  kind: 'room',
  name: id,
  lat: 35.4,
  lng: 116.97,
  address: '',
  roomType: 'living',
  substationId: 'S1',
  intervalSec: 900,
  createdAt: AT,
  online: true,
  lastSeenAt: AT,
  dataQuality: null,
  lastReading: { ts: AT, values: { temp: 20 } },
  ...over,
});

/** One substation and ten rooms within ~50 m of it: one cluster at city zoom. */
function compound(): Map<string, DeviceView> {
  const list = [device('S1', { kind: 'substation', roomType: null, substationId: null })];
  for (let k = 0; k < 10; k++) list.push(device(`R${k}`, { lat: 35.4 + k * 0.0001, lng: 116.97 + k * 0.0001 }));
  return new Map(list.map((d) => [d.id, d]));
}

const source = (map: Map<string, DeviceView>, roomLowC = 18): DeviceSource => ({ size: map.size, roomLowC, get: (id) => map.get(id), all: () => map.values() });
/** Tickets open on `ids`; a new object per call is a new tickets version. */
let ticketsVersion = 0;
const ticketsOn = (...ids: string[]): TicketFlags => ({ version: ++ticketsVersion, hasOpenTicket: (id) => ids.includes(id) });
const identity = (lat: number, lng: number) => ({ lat, lng });
const CITY: BBox = [116.9, 35.3, 117.1, 35.5];
const cold = (d: DeviceView): DeviceView => ({ ...d, lastReading: { ts: AT, values: { temp: 16 } } });

describe('fleet index', () => {
  it('clusters rooms but never swallows a substation', () => {
    const devices = compound();
    const index = new FleetIndex(devices.values(), identity);
    index.refresh(source(devices), ticketsOn());
    const view = index.query(CITY, 12);
    expect(view.clusters).toHaveLength(1);
    expect(view.clusters[0]!.total).toBe(10);
    expect(view.points.map((n) => index.ids[n])).toEqual(['S1']);
  });

  it('colours a cluster by the worst state inside and counts it', () => {
    const devices = compound();
    devices.set('R3', cold(devices.get('R3')!));
    devices.set('R4', cold(devices.get('R4')!));
    const index = new FleetIndex(devices.values(), identity);
    index.refresh(source(devices), ticketsOn('R7'));
    const [cluster] = index.query(CITY, 12).clusters;
    expect(cluster).toMatchObject({ total: 10, worst: 'ticket', worstCount: 1 });
    expect(Object.fromEntries(MARKER_STATES.map((s, i) => [s, cluster!.counts[i]]))).toEqual({ ticket: 1, cold: 2, offline: 0, dataQuality: 0, ok: 7, noData: 0 });
  });

  it("recolours every room when the server's threshold changes, though no reading did", () => {
    const devices = compound();
    const index = new FleetIndex(devices.values(), identity);
    index.refresh(source(devices, 18), ticketsOn());
    expect(index.query(CITY, 12).clusters[0]!.worst).toBe('ok');
    index.refresh(source(devices, 21), ticketsOn());
    expect(index.query(CITY, 12).clusters[0]).toMatchObject({ worst: 'cold', worstCount: 10 });
  });

  it('follows state changes without rebuilding the geometry', () => {
    const devices = compound();
    const index = new FleetIndex(devices.values(), identity);
    expect(index.refresh(source(devices), ticketsOn())).toBe(true);
    expect(index.query(CITY, 12).clusters[0]!.worst).toBe('ok');

    devices.set('R2', { ...devices.get('R2')!, online: false });
    expect(index.refresh(source(devices), ticketsOn())).toBe(true);
    expect(index.query(CITY, 12).clusters[0]).toMatchObject({ worst: 'offline', worstCount: 1 });
    expect(index.counts[MARKER_STATES.indexOf('offline')]).toBe(1);
    expect(index.counts[MARKER_STATES.indexOf('ok')]).toBe(10);
  });

  it('recolours on a new reading and on a ticket, asking for ticket flags only when tickets changed', () => {
    const devices = compound();
    const index = new FleetIndex(devices.values(), identity);
    const none = ticketsOn();
    const asked = vi.spyOn(none, 'hasOpenTicket');
    index.refresh(source(devices), none);
    expect(asked).toHaveBeenCalledTimes(11);

    // A reading replaces lastReading (the DeviceStore's way): same tickets, no new questions.
    devices.get('R1')!.lastReading = { ts: AT, values: { temp: 15 } };
    index.refresh(source(devices), none);
    expect(asked).toHaveBeenCalledTimes(11);
    expect(index.stateOf(index.numberOf('R1')!)).toBe('cold');

    index.refresh(source(devices), ticketsOn('R1', 'S1'));
    expect(index.stateOf(index.numberOf('R1')!)).toBe('ticket');
    expect(index.stateOf(index.numberOf('S1')!)).toBe('ticket');
    expect(index.query(CITY, 12).clusters[0]).toMatchObject({ worst: 'ticket', worstCount: 1 });
  });

  it('finds its devices by id once the store order differs', () => {
    const devices = compound();
    const index = new FleetIndex(devices.values(), identity);
    const r2 = devices.get('R2')!;
    devices.delete('R2');
    devices.set('R2', { ...r2, online: false });
    expect(index.refresh(source(devices), ticketsOn())).toBe(true);
    expect(index.stateOf(index.numberOf('R2')!)).toBe('offline');
  });

  it.each([
    ['a device added', (m: Map<string, DeviceView>) => m.set('R99', device('R99'))],
    ['a device removed', (m: Map<string, DeviceView>) => m.delete('R5')],
    ['a device moved', (m: Map<string, DeviceView>) => m.set('R5', { ...m.get('R5')!, lat: 35.5 })],
  ])('reports stale geometry after %s', (_what, change) => {
    const devices = compound();
    const index = new FleetIndex(devices.values(), identity);
    change(devices);
    expect(index.refresh(source(devices), ticketsOn())).toBe(false);
  });

  it('shows every room on its own past the last clustering zoom', () => {
    const devices = compound();
    const index = new FleetIndex(devices.values(), identity);
    index.refresh(source(devices), ticketsOn());
    const view = index.query(CITY, 19);
    expect(view.clusters).toHaveLength(0);
    expect(view.points).toHaveLength(11);
  });

  it('draws positions through the projection (GCJ-02 for Chinese tiles)', () => {
    const devices = compound();
    const index = new FleetIndex(devices.values(), wgs84ToGcj02);
    const n = index.numberOf('S1')!;
    expect(index.lng[n]).toBeCloseTo(wgs84ToGcj02(35.4, 116.97).lng, 12);
    const [west, south, east, north] = index.bounds()!;
    expect(west).toBeGreaterThan(116.97);
    expect(north).toBeGreaterThan(south);
    expect(east).toBeGreaterThan(west);
  });

  it('has no bounds without devices', () => {
    expect(new FleetIndex([], identity).bounds()).toBeNull();
  });
});
