/**
 * The top bar's fleet count follows the device store: a fleet loaded after the bar was drawn,
 * none of it reporting yet (a fresh install, a night without readings), reads 0/3, not 0/0.
 */
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../lib/api/api-client.ts';
import { LiveConnection } from '../../lib/live/live-connection.svelte.ts';
import { DeviceStore } from '../../state/devices.svelte.ts';
import { HealthState } from '../../state/health.svelte.ts';
import { AlarmCenter } from '../alarms/alarm-center.svelte.ts';
import { FLEET, dutyWorld } from '../duty/duty-fixture.ts';
import TopBar from './TopBar.svelte';

afterEach(() => cleanup());

describe('top bar', () => {
  it('counts the fleet once it is loaded, even with no device online', async () => {
    const { session, i18n } = await dutyWorld('dispatcher');
    // A store the bar sees empty first, as after signing in.
    const fresh = new DeviceStore();
    const health = new HealthState();
    health.current = { status: 'ok', store: { name: 'sqlite', state: 'ok', backlog: 0 }, mqtt: { mode: 'embedded', connected: true, devicesConnected: 0 }, devices: 3 };
    const noop = () => undefined;
    render(TopBar, {
      session, i18n, health, live: new LiveConnection(), devices: fresh, alarms: new AlarmCenter(),
      dutyOpen: false, onToggleDuty: noop, reportOpen: false, onToggleReport: noop, outagesOpen: false, onToggleOutages: noop,
      accountOpen: false, onToggleAccount: noop, onOpenTicket: noop, onSelectDevice: noop, onOpenHousehold: noop, handoverOpen: false, onToggleHandover: noop, handoverWaiting: false,
    });
    expect(screen.getByTestId('devices-online').textContent).toBe('测温点 0/0 在线');
    const offline = FLEET.map((d) => ({ ...d, online: false }));
    await fresh.load(new ApiClient({ token: () => 't', onUnauthorized: noop, fetch: async () => new Response(JSON.stringify({ devices: offline })) }));
    await vi.waitFor(() => expect(screen.getByTestId('devices-online').textContent).toBe('测温点 0/3 在线'));
    // The bar shows the person by name, the login on hover.
    expect(screen.getByTestId('user').textContent).toBe('张 · 调度员');
    expect(screen.getByTestId('user').getAttribute('title')).toBe('zhang');
  });
});
