import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dutyWorld, stubApi, type Request } from './duty-fixture.ts';
import type { Roster } from './duty-types.ts';
import RosterEditor from './RosterEditor.svelte';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const input = (root: HTMLElement, name: string) => root.querySelector<HTMLInputElement>(`[name="${name}"]`)!;

describe('roster editor', () => {
  it('an admin builds a roster from nothing and saves it whole', async () => {
    let stored: Roster = { people: [], teams: [], shifts: [] };
    const requests = stubApi({
      'GET /api/alerting/roster': () => [200, stored],
      'GET /api/alerting/channels': () => [200, { channels: [{ id: 'wecom-1', name: '一班企业微信群', enabled: true, config: { type: 'wecom' }, createdAt: '' }], failing: [] }],
      'PUT /api/alerting/roster': (req: Request) => ((stored = req.body as Roster), [200, stored]),
    });
    render(RosterEditor, await dutyWorld('admin'));
    await fireEvent.click(await screen.findByTestId('roster-add-person'));
    const person = screen.getByTestId('roster-person');
    await fireEvent.input(input(person, 'person-name'), { target: { value: '张工' } });
    await fireEvent.input(input(person, 'person-mobile'), { target: { value: '13800000001' } });

    await fireEvent.click(screen.getByTestId('roster-add-team'));
    const team = screen.getByTestId('roster-team');
    await fireEvent.input(input(team, 'team-name'), { target: { value: '运行一班' } });
    await fireEvent.click(within(team).getByLabelText('一号换热站'));
    await fireEvent.click(within(team).getByLabelText('一班企业微信群'));
    await fireEvent.click(within(team).getByTestId('roster-add-shift'));
    const shift = within(team).getByTestId('roster-shift');
    expect(within(shift).queryByTestId('overnight')).toBeNull();
    await fireEvent.click(input(shift, 'shift-day-6'));
    await fireEvent.input(input(shift, 'shift-start'), { target: { value: '20:00' } });
    await fireEvent.input(input(shift, 'shift-end'), { target: { value: '08:00' } });
    expect(within(shift).getByTestId('overnight').textContent).toBe('跨夜');

    expect(screen.getByTestId('roster-state').textContent).toContain('有未保存的修改');
    await fireEvent.click(screen.getByTestId('roster-save'));
    await vi.waitFor(() => expect(screen.getByTestId('roster-state').textContent).toContain('已保存'));
    expect(requests.find((r) => r.method === 'PUT')!.body).toEqual({
      people: [{ id: 'p1', name: '张工', mobile: '13800000001' }],
      teams: [{ id: 'team1', name: '运行一班', substations: ['SS-001'], channels: ['wecom-1'] }],
      shifts: [{ team: 'team1', person: 'p1', role: 'engineer', weekdays: [1, 2, 3, 4, 5, 6], start: '20:00', end: '08:00' }],
    });
  });

  it("lists the server's objections by where they are and marks the fields", async () => {
    stubApi({
      'GET /api/alerting/roster': () => [200, { people: [{ id: 'p1', name: '张工', mobile: '13800000001' }], teams: [], shifts: [] }],
      'GET /api/alerting/channels': () => [200, { channels: [], failing: [] }],
      'PUT /api/alerting/roster': () => [400, { error: { code: 'HW_BAD_REQUEST', message: 'people.0.mobile: digits only, e.g. 13800000000' } }],
    });
    render(RosterEditor, await dutyWorld('admin'));
    const person = await screen.findByTestId('roster-person');
    await fireEvent.input(input(person, 'person-mobile'), { target: { value: '138-0000' } });
    await fireEvent.click(screen.getByTestId('roster-save'));
    const problems = await screen.findByTestId('roster-problems');
    expect(problems.textContent).toContain('人员 1（张工） · 手机：digits only, e.g. 13800000000');
    expect(input(person, 'person-mobile').getAttribute('aria-invalid')).toBe('true');
    expect(input(person, 'person-name').getAttribute('aria-invalid')).toBe('false');
  });

  it('other staff read the roster in words, without the channel list they may not see', async () => {
    const requests = stubApi({
      'GET /api/alerting/roster': () => [
        200,
        {
          people: [{ id: 'p1', name: '张工', mobile: '13800000001' }],
          teams: [{ id: 't1', name: '夜班', substations: '*', channels: [] }],
          shifts: [{ team: 't1', person: 'p1', role: 'engineer', weekdays: [1, 2, 3, 4, 5], start: '20:00', end: '08:00' }],
        },
      ],
    });
    render(RosterEditor, await dutyWorld('engineer'));
    const editor = screen.getByTestId('roster-editor');
    await vi.waitFor(() => expect(editor.textContent).toContain('张工'));
    expect(editor.textContent).toContain('周一至周五 20:00–次日08:00');
    expect(editor.querySelector('input')).toBeNull();
    expect(requests.map((r) => r.url)).toEqual(['/api/alerting/roster']);
  });
});
