/**
 * A handover sheet as the dispatcher reads and prints it: each section in its place, times in
 * Beijing time whatever the browser's zone, a stop whose restore time nobody knows said so.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HandoverSheet } from '../../../../ingest/contracts/handovers.ts';
import { I18n } from '../../lib/i18n/i18n.svelte.ts';
import { HOUR, OPENED } from '../tickets/ticket-fixture.ts';
import HandoverSheetView from './HandoverSheetView.svelte';

afterEach(cleanup);

/** OPENED is 08:00 Beijing time (00:00 UTC). */
const at = (h: number) => new Date(OPENED + h * HOUR).toISOString();

const SHEET: HandoverSheet = {
  incidents: [{ id: 'T-000001', type: 'room_temp_low', status: 'acknowledged', place: '一号换热站', assignee: '李工', milestone: 'cause_found', dueAt: at(4), deadlineState: 'at_risk', rooms: 3 }],
  tickets: [
    { id: 'T-000004', type: 'leak', status: 'open', place: '春华小区 3 号楼', assignee: null, milestone: 'on_site', dueAt: at(-1), deadlineState: 'breached', rooms: 0 },
    { id: 'T-000005', type: 'sensor_offline', status: 'open', place: '9 号楼 101 卧室', assignee: null, milestone: null, dueAt: null, deadlineState: 'none', rooms: 0 },
  ],
  promises: [{ ticketId: 'T-000006', kind: 'callback', to: '钱女士 13600000002', dueAt: at(50), state: 'on_time' }],
  stops: [
    { id: 7, substation: '二号换热站', areas: '春华小区 1–6 号楼', kind: 'unplanned', status: 'active', startsAt: at(-2), endsAt: null, reason: '管网抢修', households: 120, told: 118, failed: 2 },
    // Kept before a stop's areas were listed.
    { id: 8, substation: '三号换热站', kind: 'planned', status: 'scheduled', startsAt: at(20), endsAt: at(28), reason: '检修', households: 40, told: 40, failed: 0 },
  ],
};

const text = (testid: string) => screen.getByTestId(testid).textContent!.replace(/\s+/g, ' ');

describe('a handover sheet', () => {
  it('shows each section in Beijing time, in Chinese', async () => {
    const open = vi.fn();
    render(HandoverSheetView, { sheet: SHEET, i18n: new I18n(null), onOpenTicket: open });
    expect(text('handover-sheet')).toContain('重大事件（换热站）· 1');
    expect(text('handover-incidents')).toContain('一号换热站');
    expect(text('handover-incidents')).toContain('3 户测温点');
    expect(text('handover-incidents')).toContain('处理人：李工');
    expect(text('handover-incidents')).toContain('查明原因 时限 12/10 12:00');

    const tickets = screen.getByTestId('handover-tickets').querySelectorAll('li');
    expect([...tickets].map((li) => li.className)).toEqual([expect.stringContaining('tone-bad'), expect.stringContaining('tone-neutral')]);
    expect(tickets[0]!.textContent).toContain('到场 时限 12/10 07:00');
    expect(tickets[0]!.textContent).toContain('未派单');
    expect(tickets[1]!.textContent).toContain('无时限');

    expect(text('handover-promises')).toContain('回访 · 钱女士 13600000002 · 12/12 10:00 前');

    const stops = screen.getByTestId('handover-stops').querySelectorAll('li');
    expect(stops[0]!.textContent).toContain('春华小区 1–6 号楼');
    expect(stops[0]!.textContent).toContain('12/10 06:00 起，恢复时间未定');
    expect(stops[0]!.textContent).toContain('已通知 118/120 户，2 条失败');
    expect(stops[1]!.textContent).toContain('即将开始');
    expect(stops[1]!.textContent).toContain('预计 12/11 12:00 恢复');
    expect(stops[1]!.textContent).not.toContain('失败');

    await fireEvent.click(screen.getByRole('button', { name: 'T-000006' }));
    expect(open).toHaveBeenCalledWith('T-000006');
  });

  it('says an empty section is empty, and reads in English', () => {
    const i18n = new I18n(null);
    i18n.locale = 'en';
    render(HandoverSheetView, { sheet: { ...SHEET, incidents: [], promises: [] }, i18n, onOpenTicket: () => undefined });
    expect(text('handover-sheet')).toContain('Incidents (substations) · 0 None');
    expect(text('handover-sheet')).toContain('Promised to customers · 0 None');
    expect(text('handover-stops')).toContain('restore time unknown');
    expect(text('handover-tickets')).toContain('On site by 12/10, 07:00');
  });
});
