/**
 * The report as a service manager hands it on: an .xlsx workbook (exceljs, streamed) with Chinese
 * headers — 概况, 每日, 换热站, 工单, 回访, then a sheet per substation with its room-days — and
 * the room-day table as CSV (UTF-8 with a BOM, so Excel reads the Chinese).
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { substationLines, type Report } from '../../contracts/reports.ts';
import { INTAKE_CHANNEL_ZH, INTAKE_CHANNELS, TICKET_TYPE_ZH, TICKET_TYPES } from '../../contracts/tickets.ts';
import type { RoomDayVerdict } from '../../core/reports/room-days.ts';
import { csvLine } from '../../services/device-import.ts';

export interface DeviceNames {
  name(id: string): string;
  address(id: string): string;
}

const VERDICT_ZH: Record<RoomDayVerdict['verdict'], string> = { compliant: '合格', below: '不合格', exempt: '不计考核', too_few_hours: '读数不足 12 小时' };
const ROOM_DAY_HEADER = ['日期', '测温点编号', '测温点', '地址', '换热站', '有读数小时数', '日平均室温 (℃)', '判定', '室外日平均 (℃)', '不计考核原因'];
/** Why a day is counted apart, as the heating authority reads it (服务承诺 二.1(2), 二.1(3)). */
const EXEMPT_BECAUSE_ZH: Record<NonNullable<RoomDayVerdict['exemptBecause']>, string> = {
  outdoor_below_design: '室外日平均温度低于设计温度',
  stop: '登记停热',
  building_envelope: '建筑围护结构不符合设计规范（工程师查明）',
  customer_installation: '用户自有采暖设施故障（工程师查明）',
};

/** A rate as a share, rounded for people; '—' when nothing counts. */
const percent = (rate: number | null) => (rate === null ? '—' : Math.round(rate * 10_000) / 10_000);

function roomDayRow(v: RoomDayVerdict, names: DeviceNames): (string | number)[] {
  return [
    v.date,
    v.deviceId,
    names.name(v.deviceId),
    names.address(v.deviceId),
    v.substationId ? names.name(v.substationId) : '',
    v.hours,
    Math.round(v.mean * 100) / 100,
    VERDICT_ZH[v.verdict],
    v.outdoorC === null ? '' : Math.round(v.outdoorC * 10) / 10,
    v.exemptBecause ? EXEMPT_BECAUSE_ZH[v.exemptBecause] : '',
  ];
}

export function roomDayCsv(roomDays: readonly RoomDayVerdict[], names: DeviceNames): string {
  const lines = [csvLine(ROOM_DAY_HEADER), ...roomDays.map((v) => csvLine(roomDayRow(v, names)))];
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export async function writeReportWorkbook(out: Writable, report: Report, roomDays: readonly RoomDayVerdict[], names: DeviceNames): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'HeatWatch';
  const sheet = (name: string, header: string[], rows: (string | number)[][], widths: number[] = []) => {
    const ws = wb.addWorksheet(name);
    ws.columns = header.map((h, i) => ({ header: h, width: widths[i] ?? Math.max(12, h.length * 2 + 2) }));
    ws.getRow(1).font = { bold: true };
    for (const r of rows) ws.addRow(r).commit();
    ws.commit();
  };
  const r = report.rooms;
  const t = report.tickets;
  sheet('概况', ['指标', '数值', '目标', '说明'], [
    ['统计期间', `${report.from} 至 ${report.to}`, '', '北京时间，含首尾两天'],
    ['室温合格率', percent(r.complianceRate), 0.97, `合格 ${r.compliantRoomDays} / 考核 ${r.roomDays} 个测温点日；日平均室温不低于 ${report.thresholdC} ℃`],
    ['不计考核测温点日', r.exemptRoomDays, '', '室外日平均温度低于设计温度，或登记停热'],
    ['计入考核测温点', r.rooms, '', '卧室、客厅'],
    ['开单数', t.opened, '', `系统自动 ${t.bySource.rule}，客户反映 ${t.bySource.hotline}`],
    ['客户反映渠道', t.bySource.hotline, '', INTAKE_CHANNELS.map((c) => `${INTAKE_CHANNEL_ZH[c]} ${t.byChannel[c] ?? 0}`).join('，')],
    ['工单闭合率', percent(t.closureRate), 1, `已关闭 ${t.closed} / 开单 ${t.opened}`],
    ['处理及时率', percent(t.timelinessRate), 1, '按时完成考核节点 / 已到期考核'],
    ['应回访', report.callbacks.due, '', `已回访 ${report.callbacks.done}，按时 ${report.callbacks.onTime}，逾期 ${report.callbacks.late}`],
    ['回访满意率', percent(report.callbacks.satisfactionRate), '', `满意 ${report.callbacks.satisfied}，基本满意 ${report.callbacks.basicallySatisfied}，不满意 ${report.callbacks.dissatisfied}`],
    ['停热登记', report.notices.stops, '', `提前不足 24 小时 ${report.notices.lateNotices}`],
    ['走访', report.visits.done, '', `拒签 ${report.visits.refused}，标记待校准 ${report.visits.sensorsFlagged}`],
  ], [18, 24, 8, 56]);
  sheet('每日', ['日期', '考核测温点日', '合格', '不计考核', '合格率'], r.byDay.map((d) => [d.date, d.roomDays, d.compliantRoomDays, d.exemptRoomDays, percent(d.complianceRate)]));
  sheet(
    '换热站',
    ['换热站编号', '换热站', '测温点数', '考核测温点日', '合格', '不计考核', '合格率', '开单', '已关闭', '按时', '超时'],
    substationLines(report).map((s) => [s.substationId ?? '', s.substationId ? names.name(s.substationId) : '（未关联）', s.rooms, s.roomDays, s.compliantRoomDays, s.exemptRoomDays, percent(s.complianceRate), s.tickets.opened, s.tickets.closed, s.tickets.onTime, s.tickets.late]),
  );
  sheet('工单', ['类型', '开单', '已关闭', '按时', '超时'], TICKET_TYPES.flatMap((type) => {
    const c = t.byType[type];
    return c ? [[TICKET_TYPE_ZH[type], c.opened, c.closed, c.onTime, c.late]] : [];
  }));
  const cb = report.callbacks;
  sheet('回访', ['应回访', '已回访', '按时', '逾期', '满意', '基本满意', '不满意', '满意率'], [[cb.due, cb.done, cb.onTime, cb.late, cb.satisfied, cb.basicallySatisfied, cb.dissatisfied, percent(cb.satisfactionRate)]]);
  // One sheet per substation: its rooms' days as judged (Excel allows 31 characters in a name).
  const bySubstation = new Map<string | null, RoomDayVerdict[]>();
  for (const v of roomDays) bySubstation.set(v.substationId, [...(bySubstation.get(v.substationId) ?? []), v]);
  const used = new Set(['概况', '每日', '换热站', '工单', '回访']);
  for (const s of r.bySubstation) {
    let name = (s.substationId ? names.name(s.substationId) : '未关联换热站').replace(/[\\/?*[\]:]/g, ' ').slice(0, 28);
    while (used.has(name)) name = `${name.slice(0, 26)}~${used.size}`;
    used.add(name);
    sheet(name, ROOM_DAY_HEADER, (bySubstation.get(s.substationId) ?? []).map((v) => roomDayRow(v, names)), [12, 16, 28, 30, 16, 14, 16, 18, 14, 36]);
  }
  await wb.commit();
}
