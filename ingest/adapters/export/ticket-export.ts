/**
 * Tickets as a service manager keeps them: every field, what happened in words (Chinese), and
 * when each lifecycle step was taken — as CSV (UTF-8 with a BOM) or an .xlsx sheet. Times in
 * Beijing time.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { formatBeijing } from '../../contracts/beijing-time.ts';
import type { Step } from '../../contracts/ticket-lifecycle.ts';
import { INTAKE_CHANNEL_ZH, SATISFACTION_ZH, TICKET_TYPE_ZH, type Ticket } from '../../contracts/tickets.ts';
import { situationOf } from '../../services/facts-in-chinese.ts';
import { csvLine } from '../../services/device-import.ts';

const STATUS_ZH: Record<Ticket['status'], string> = { open: '待接单', acknowledged: '已接单', on_site: '已到现场', negotiating: '协商处理中', resolved: '已处理', callback_done: '已回访', closed: '已关闭' };
const DEADLINE_ZH: Record<Ticket['deadlineState'], string> = { on_time: '按时', at_risk: '临近超时', breached: '超时', met: '按时完成', none: '无时限' };

const HEADER = ['工单号', '类型', '状态', '来源', '测温点', '换热站', '所属换热站工单', '地址', '联系人', '情况', '开单时间', '事件时间', '时限', '考核节点完成', '时限状态', '不计考核', '条件恢复', '原因', '向用户解释', '协商部门', '回访期限', '回访时限状态', '满意度', '回访号码', '接单', '查明原因', '到达现场', '转协商', '处理完成', '回访', '关闭'];
const STEPS: Step[] = ['acknowledge', 'diagnose', 'on_site', 'negotiate', 'resolve', 'callback', 'close'];

/** `2026-12-10 08:30` in Beijing time, or '' for none. */
const at = (iso: string | number | null | undefined) => (iso === null || iso === undefined ? '' : formatBeijing(typeof iso === 'number' ? iso : Date.parse(iso)).slice(0, 16).replace('T', ' '));

function row(t: Ticket, steps: Partial<Record<Step, number>>, nameOf: (id: string) => string | undefined): string[] {
  return [
    t.id,
    TICKET_TYPE_ZH[t.type],
    STATUS_ZH[t.status],
    t.channel ? INTAKE_CHANNEL_ZH[t.channel] : '系统自动',
    t.deviceId ?? '',
    t.substationId ?? '',
    t.parentId ?? '',
    t.address ?? '',
    t.contact ?? '',
    situationOf(t, nameOf),
    at(t.openedAt),
    at(t.eventAt),
    at(t.dueAt),
    at(t.milestoneAt),
    DEADLINE_ZH[t.deadlineState],
    t.exempt ? '是' : '',
    at(t.recoveredAt),
    t.cause ?? '',
    t.explanation ?? '',
    t.negotiatingWith ?? '',
    at(t.callbackDueAt),
    t.callbackDueAt === null ? '' : DEADLINE_ZH[t.callbackState],
    t.satisfaction ? SATISFACTION_ZH[t.satisfaction] : '',
    t.calledNumber ?? '',
    ...STEPS.map((s) => at(steps[s])),
  ];
}

export function ticketsCsv(tickets: readonly Ticket[], steps: Map<string, Partial<Record<Step, number>>>, nameOf: (id: string) => string | undefined): string {
  const lines = [csvLine(HEADER), ...tickets.map((t) => csvLine(row(t, steps.get(t.id) ?? {}, nameOf)))];
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export async function writeTicketsWorkbook(out: Writable, tickets: readonly Ticket[], steps: Map<string, Partial<Record<Step, number>>>, nameOf: (id: string) => string | undefined): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'HeatWatch';
  const ws = wb.addWorksheet('工单');
  ws.columns = HEADER.map((h) => ({ header: h, width: h === '情况' ? 48 : h === '地址' ? 28 : 16 }));
  ws.getRow(1).font = { bold: true };
  for (const t of tickets) ws.addRow(row(t, steps.get(t.id) ?? {}, nameOf)).commit();
  ws.commit();
  await wb.commit();
}
