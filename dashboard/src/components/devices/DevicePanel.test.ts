import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceView } from '../../../../ingest/contracts/devices.ts';
import type { RuleNumbers } from '../../../../ingest/contracts/rule-numbers.ts';
import type { Ticket } from '../../../../ingest/contracts/tickets.ts';
import { ApiClient } from '../../lib/api/api-client.ts';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { Session } from '../../lib/session/session.svelte.ts';
import { Clock } from '../../state/clock.svelte.ts';
import { DeviceStore } from '../../state/devices.svelte.ts';
import { TicketStore } from '../../state/tickets.svelte.ts';
import { ticket as sharedTicket } from '../tickets/ticket-fixture.ts';
import DevicePanel from './DevicePanel.svelte';

const NOW = Date.parse('2026-12-10T04:30:00.000Z');

function device(over: Partial<DeviceView> & Pick<DeviceView, 'id' | 'kind'>): DeviceView {
  return {
    name: over.id,
    lat: 35.4,
    lng: 116.97,
    address: '邹城市 千泉街道 1 号',
    roomType: over.kind === 'room' ? 'bedroom' : null,
    substationId: over.kind === 'room' ? 'S1' : null,
    intervalSec: 900,
    createdAt: '2026-11-01T00:00:00.000Z',
    online: true,
    lastSeenAt: '2026-12-10T04:25:00.000Z',
    dataQuality: null,
    lastReading: null,
    ...over,
  };
}

const roomReading = (temp: number) => ({ ts: '2026-12-10T04:25:00.000Z', values: { temp, humidity: 41, battery: 3.02, rssi: -71 } });

const fleet: DeviceView[] = [
  device({
    id: 'S1',
    kind: 'substation',
    name: '千泉换热站',
    intervalSec: 30,
    lastReading: {
      ts: '2026-12-10T04:29:30.000Z',
      values: { supplyTemp: 85.04, returnTemp: 50.2, supplyPressure: 0.6234, returnPressure: 0.31, flow: 120, secSupplyTemp: 55, secReturnTemp: 40, secSupplyPressure: 0.45, secReturnPressure: 0.3, outdoorTemp: -3.2 },
    },
  }),
  device({ id: 'R1', kind: 'room', name: '1 号楼 101', lastReading: roomReading(16.44) }),
  device({ id: 'R2', kind: 'room', name: '1 号楼 102', lastReading: roomReading(21) }),
  device({ id: 'R3', kind: 'room', name: '1 号楼 103', lastReading: roomReading(19.5), online: false }),
  device({ id: 'R4', kind: 'room', name: '1 号楼 104', lastSeenAt: null }),
];

/** The shared ticket fixture, opened at 08:30 Beijing time. */
const ticket = (over: Partial<Ticket> & Pick<Ticket, 'id'>): Ticket =>
  sharedTicket({
    description: '',
    address: null,
    openedAt: '2026-12-10T00:30:00.000Z',
    eventAt: '2026-12-10T00:30:00.000Z',
    dueAt: '2026-12-10T08:30:00.000Z',
    updatedAt: '2026-12-10T00:30:00.000Z',
    ...over,
  });

/** The server's rules, as GET /api/rules serves them: the commitment's 18 °C. */
const RULES: RuleNumbers = { roomLow: { belowC: 18, forMin: 30, recoverAtC: 18.5, roomTypes: ['bedroom', 'living'] }, suddenDrop: { dropC: 3, withinMin: 60 }, offline: { intervals: 3 } };

let requested: string[];

async function world() {
  const devices = new DeviceStore();
  const listing = new ApiClient({
    token: () => 't',
    onUnauthorized: () => undefined,
    fetch: async (url) => new Response(JSON.stringify(String(url).endsWith('/api/rules') ? RULES : { devices: structuredClone(fleet) })),
  });
  await devices.load(listing);
  const tickets = new TicketStore();
  tickets.apply(ticket({ id: 'T-1' }));
  tickets.apply(ticket({ id: 'T-2', type: 'pipeline_accident', rule: null, source: 'hotline', deviceId: 'S1', milestone: 'on_site', dueAt: '2026-12-10T04:00:00.000Z' }));
  const clock = new Clock();
  clock.now = NOW;
  const i18n = new I18n(null);
  const session = new Session(null);
  const calls = { close: vi.fn(), openTicket: vi.fn(), selectDevice: vi.fn() };
  const props = (id: string) => ({ id, devices, tickets, session, i18n, clock, onClose: calls.close, onOpenTicket: calls.openTicket, onSelectDevice: calls.selectDevice });
  return { devices, props, calls };
}

/**
 * happy-dom has no 2D canvas; uPlot only needs the calls to exist here (the drawing itself is
 * looked at in Chromium), so every context and Path2D method is a no-op.
 */
function noOpCanvas(): void {
  const noOps = () =>
    new Proxy({} as Record<string | symbol, unknown>, {
      get: (target, key) => (key in target ? target[key] : key === 'measureText' ? () => ({ width: 0 }) : () => undefined),
      set: (target, key, value) => ((target[key] = value), true),
    });
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(noOps() as unknown as CanvasRenderingContext2D);
  vi.stubGlobal('Path2D', function Path2D() {
    return noOps();
  });
}

beforeEach(() => {
  noOpCanvas();
  requested = [];
  // The readings endpoint, as the API answers it.
  vi.stubGlobal('fetch', async (url: string) => {
    requested.push(url);
    return new Response(JSON.stringify({ readings: [{ ts: '2026-12-10T04:00:00.000Z', temp: 19, supplyTemp: 85, returnTemp: 50, supplyPressure: 0.62 }] }));
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('device panel', () => {
  it('shows a room: live value, state, substation link, history ranges and its tickets', async () => {
    const { props, calls } = await world();
    render(DevicePanel, props('R1'));
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('测温点 1 号楼 101');
    expect(screen.getByTestId('live-temp').textContent).toContain('16.4');
    expect(screen.getByTestId('device-state').dataset.state).toBe('ticket');
    expect(screen.getByText('读数时间 12/10 12:25（5 分 00 秒前）')).toBeTruthy();

    await fireEvent.click(screen.getByTestId('open-substation'));
    expect(calls.selectDevice).toHaveBeenCalledWith('S1');
    await fireEvent.click(within(screen.getByTestId('device-tickets')).getByText('室温不达标'));
    expect(calls.openTicket).toHaveBeenCalledWith('T-1');
    expect(screen.getByText('剩余 4 小时 00 分')).toBeTruthy();

    await vi.waitFor(() => expect(screen.getAllByTestId('readings-chart')[0].dataset.points).toBe('1'));
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatch(/^\/api\/devices\/R1\/readings\?from=.*&every=5m$/);
    await fireEvent.click(screen.getByTestId('range-7d'));
    expect(requested[1]).toContain('every=1h');
    expect(screen.getByTestId('range-7d').getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(screen.getByTestId('device-close'));
    expect(calls.close).toHaveBeenCalled();
  });

  it('shows a substation: both networks, the room distribution, coldest rooms and tickets below', async () => {
    const { props, calls } = await world();
    render(DevicePanel, props('S1'));
    screen.getByTestId('substation-view');
    expect(screen.getByTestId('value-supplyTemp').textContent).toBe('85.0 °C');
    expect(screen.getByTestId('value-supplyPressure').textContent).toBe('0.623 MPa');
    expect(screen.getByTestId('value-secSupplyTemp').textContent).toBe('55.0 °C');
    expect(screen.getByTestId('value-flow').textContent).toBe('120.0 m³/h');
    expect(screen.getByTestId('value-outdoorTemp').textContent).toBe('-3.2 °C');

    expect(screen.getByTestId('count-rooms').textContent).toBe('4');
    expect(screen.getByTestId('count-cold').textContent).toBe('1');
    expect(screen.getByTestId('count-offline').textContent).toBe('1');
    expect(screen.getByTestId('count-nodata').textContent).toBe('1');
    const coldBins = screen.getAllByTestId('temp-bin').filter((b) => b.dataset.cold === 'true');
    expect(coldBins.reduce((n, b) => n + Number(b.dataset.count), 0)).toBe(1);

    const coldest = within(screen.getByTestId('coldest-rooms')).getAllByRole('button');
    expect(coldest.map((b) => b.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['1 号楼 101 16.4 °C', '1 号楼 103 19.5 °C 离线', '1 号楼 102 21.0 °C']);
    await fireEvent.click(coldest[0]);
    expect(calls.selectDevice).toHaveBeenCalledWith('R1');

    expect(screen.getByTestId('tickets-under').textContent).toBe('本站及所带测温点未结工单 2 个');
    expect(screen.getByText('超时 30 分 00 秒')).toBeTruthy();
    // Temperatures and pressures: two charts over one request.
    await vi.waitFor(() => expect(screen.getAllByTestId('readings-chart')).toHaveLength(2));
    expect(requested).toEqual([expect.stringContaining('/api/devices/S1/readings')]);
  });

  it('follows live readings and says when a device is not known', async () => {
    const { devices, props } = await world();
    render(DevicePanel, props('R2'));
    devices.applyReadings([{ deviceId: 'R2', kind: 'room', ts: '2026-12-10T04:29:00.000Z', values: { temp: 17.2 } }]);
    await vi.waitFor(() => expect(screen.getByTestId('live-temp').textContent).toContain('17.2'));
    expect(screen.getByTestId('device-state').dataset.state).toBe('cold');
    cleanup();

    render(DevicePanel, props('NOPE'));
    expect(screen.getByTestId('device-not-found').textContent).toContain('未找到设备 NOPE');
    screen.getByTestId('device-close');
  });
});
