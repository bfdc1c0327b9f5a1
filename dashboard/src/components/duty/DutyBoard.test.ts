import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dutyWorld, stubApi } from './duty-fixture.ts';
import DutyBoard from './DutyBoard.svelte';

const zhang = { id: 'zhang', name: '张工', mobile: '13800000001' };
const li = { id: 'li', name: '李经理', mobile: '13900000002' };
const north = { id: 'north', name: '运行一班', substations: ['SS-001'], channels: ['wecom-1'] };
const night = { id: 'night', name: '夜班', substations: '*', channels: [] };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('duty board', () => {
  it('shows who is on duty per team, flags a team without an engineer, and looks up a substation among the fleet\'s', async () => {
    const requests = stubApi({
      'GET /api/alerting/duty-board': () => [
        200,
        {
          at: '2026-12-10T02:00:00.000Z',
          teams: [
            { team: north, engineers: [zhang], managers: [li] },
            { team: night, engineers: [], managers: [] },
          ],
        },
      ],
      'GET /api/alerting/on-duty': () => [200, { substationId: 'SS-001', at: '2026-12-10T02:00:00.000Z', engineers: [zhang], managers: [], teams: [north] }],
    });
    render(DutyBoard, await dutyWorld('engineer'));
    const teams = await screen.findAllByTestId('duty-team');
    expect(teams).toHaveLength(2);
    expect(teams[0]!.textContent).toContain('张工');
    expect(within(teams[0]!).getByText('13800000001').getAttribute('href')).toBe('tel:13800000001');
    expect(teams[0]!.textContent).toContain('一号换热站'); // the substation by its name
    expect(teams[0]!.textContent).not.toContain('此刻无工程师值班');
    expect(teams[1]!.textContent).toContain('此刻无工程师值班');
    expect(teams[1]!.textContent).toContain('全部换热站');
    expect(screen.getByTestId('duty-board-at').textContent).toContain('12/10 10:00');

    const select = screen.getByRole('combobox') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['选择换热站…', '一号换热站', '二号换热站']);
    await fireEvent.change(select, { target: { value: 'SS-001' } });
    const result = await screen.findByTestId('on-duty-result');
    expect(result.textContent).toContain('张工');
    expect(result.textContent).toContain('运行一班');
    expect(requests.at(-1)!.url).toBe('/api/alerting/on-duty?substationId=SS-001');
  });

  it('says when there is no roster yet, and fetches the board again every minute', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const requests = stubApi({ 'GET /api/alerting/duty-board': () => [200, { at: '2026-12-10T02:00:00.000Z', teams: [] }] });
    render(DutyBoard, await dutyWorld('admin'));
    expect((await screen.findByTestId('duty-board-empty')).textContent).toContain('请在“排班”中添加');
    expect(requests).toHaveLength(1);
    vi.advanceTimersByTime(60_000);
    expect(requests).toHaveLength(2);
  });
});
