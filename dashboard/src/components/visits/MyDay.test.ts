import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Household } from '../../../../ingest/contracts/households.ts';
import type { MyDay as MyDayAnswer } from '../../../../ingest/contracts/my-day.ts';
import type { Visit } from '../../../../ingest/contracts/visits.ts';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { Session } from '../../lib/session/session.svelte.ts';
import { DeviceStore } from '../../state/devices.svelte.ts';
import { ticket } from '../tickets/ticket-fixture.ts';
import MyDay from './MyDay.svelte';
import { VisitOutbox } from './visit-outbox.svelte.ts';
import { readKept, type DraftStorage } from './visit-outbox.ts';

const HOME: Household = { id: 'H-1', name: '郑晓光', phone: '13500000021', address: '泉城小区 2-1-301', substationId: 'S-1', deviceIds: [], areaM2: null, createdAt: '', updatedAt: '' };
const PLANNED = {
  id: 'V-000001',
  householdId: 'H-1',
  scheduledAt: '2026-12-10T02:00:00.000Z',
  staff: ['张工', '李工'],
  ticketId: 'T-000007',
  status: 'planned',
  measurements: [],
  signed: false,
  refused: null,
} as unknown as Visit;

/** The server: GET /api/my-day answers `day`; POST …/complete fails while `down`. */
let day: MyDayAnswer;
let down: boolean;
let posted: { url: string; body: unknown }[];

class MemoryStorage implements DraftStorage {
  items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  key = (i: number) => [...this.items.keys()][i] ?? null;
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
  clear = () => this.items.clear();
}

beforeEach(() => {
  day = { date: '2026-12-10', person: { id: 'zhang', name: '张伟' }, teams: [{ id: 'north', name: '北区班组' }], visits: [PLANNED], households: [HOME], tickets: [ticket({ id: 'T-000007', type: 'heating_quality', address: '泉城小区 2-1-301' })] };
  down = false;
  posted = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    if (init.method === 'POST') {
      posted.push({ url, body: JSON.parse(init.body as string) });
      if (down) throw new TypeError('Failed to fetch');
      const done = { ...PLANNED, status: 'done', measurements: [{ room: '客厅', temp: 17.2, deviceId: null, sensorC: null, calibrate: false }], refused: { reason: '不在家属签字', neighbourHouseholdId: 'H-2', neighbourMeasurements: [] } };
      day = { ...day, visits: [done as Visit] };
      return new Response(JSON.stringify(done));
    }
    return new Response(JSON.stringify(day));
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function mount() {
  const session = new Session(null);
  session.user = { username: 'zhangwei', role: 'engineer', displayName: '张伟' };
  const storage = new MemoryStorage();
  const outbox = new VisitOutbox(session.api, storage);
  const calls = { close: vi.fn(), openTicket: vi.fn(), print: vi.fn() };
  render(MyDay, { session, devices: new DeviceStore(), i18n: new I18n(null), outbox, onClose: calls.close, onOpenTicket: calls.openTicket, onPrintVisit: calls.print });
  return { outbox, storage, calls };
}

describe('今日走访', () => {
  it("lists the day's visits — time, household, address, staff, ticket — and the team's tickets", async () => {
    const { calls } = mount();
    const visit = await screen.findByTestId('my-day-visit');
    expect(visit.textContent).toContain('10:00');
    expect(visit.textContent).toContain('郑晓光');
    expect(visit.textContent).toContain('泉城小区 2-1-301');
    expect(visit.textContent).toContain('张工、李工');
    expect(visit.textContent).toContain('关联工单 T-000007');
    expect(screen.getByTestId('my-day-teams').textContent).toContain('北区班组');
    await fireEvent.click(screen.getByTestId('my-day-ticket'));
    expect(calls.openTicket).toHaveBeenCalledWith('T-000007');
  });

  it('says so when the roster does not know the login', async () => {
    day = { ...day, person: null, teams: [], tickets: [] };
    mount();
    expect((await screen.findByTestId('my-day-no-person')).textContent).toContain('您未在值班表中');
  });

  it('keeps the form on the phone when the send fails, says so, and sends it again', async () => {
    const { outbox, storage } = mount();
    await fireEvent.click(await screen.findByTestId('my-day-open'));
    const form = screen.getByTestId('visit-form');
    await fireEvent.input(within(form).getByRole('textbox', { name: '客厅 ℃' }), { target: { value: '17.2' } });
    await fireEvent.click(within(form).getByRole('checkbox'));
    await fireEvent.input(form.querySelector('input[name=reason]')!, { target: { value: '不在家属签字' } });
    await fireEvent.input(form.querySelector('input[name=neighbourId]')!, { target: { value: 'H-2' } });
    await fireEvent.input(form.querySelector('input[name=neighbourTemp]')!, { target: { value: '18.4' } });
    expect(readKept(storage, 'V-000001')?.draft.reason).toBe('不在家属签字');

    down = true;
    await fireEvent.click(within(form).getByTestId('visit-submit'));
    expect((await screen.findByTestId('visit-kept')).textContent).toContain('已保存在手机上');
    expect(readKept(storage, 'V-000001')).toMatchObject({ pending: true });

    down = false;
    await outbox.resend();
    await vi.waitFor(() => expect(screen.getByTestId('my-day-visit').dataset.status).toBe('done'));
    expect(screen.queryByTestId('visit-form')).toBeNull();
    expect(storage.items.size).toBe(0);
    expect(posted).toHaveLength(2);
    expect(posted[1]!.body).toMatchObject({ measurements: [{ room: '客厅', temp: 17.2 }], refused: { reason: '不在家属签字', neighbourHouseholdId: 'H-2' }, at: expect.any(String) });
  });
});
