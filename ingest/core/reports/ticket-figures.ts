/**
 * The tickets' figures (服务承诺 二.5: 投诉处理闭合率, 维修及时率 100 %; 四.4 monthly statistics),
 * pure. Over the tickets opened in the range: how many were closed, and of those with a
 * deadline, how many reached their milestone in time — a milestone still missing after its
 * deadline is late. Callbacks due in the range: done, in time or late (one not done by its
 * deadline is late), and what the customers said. Exempt tickets (outdoors below the design temperature) are not judged.
 */
import type { Report, TicketCounts } from '../../contracts/reports.ts';
import type { IntakeChannel, Satisfaction, TicketType } from '../../contracts/tickets.ts';

export interface ReportTicket {
  type: TicketType;
  substationId: string | null;
  source: 'rule' | 'hotline';
  channel: IntakeChannel | null;
  status: string;
  openedAt: number;
  dueAt: number | null;
  milestoneAt: number | null;
  exempt: string | null;
  callbackDueAt: number | null;
  /** When the callback step was taken; null: not yet. */
  callbackAt: number | null;
  satisfaction: Satisfaction | null;
}

const SATISFACTION_FIELD = { satisfied: 'satisfied', basically_satisfied: 'basicallySatisfied', dissatisfied: 'dissatisfied' } as const;

/** The report's ticket section and its callbacks, as the contract has them. */
export type TicketFigures = Report['tickets'] & { callbacks: Report['callbacks'] };

/** `from`/`to`: the range's first instant and the instant after its last day. */
export function ticketFigures(tickets: readonly ReportTicket[], range: { from: number; to: number }, now: number): TicketFigures {
  const byType: Partial<Record<TicketType, TicketCounts>> = {};
  const bySubstation = new Map<string | null, TicketCounts>();
  const bySource = { rule: 0, hotline: 0 };
  // 四.4 每月对客户的来访、来电、工单等做好统计: the customers' tickets by how they came in.
  const byChannel: Partial<Record<IntakeChannel, number>> = {};
  let opened = 0;
  let closed = 0;
  let onTime = 0;
  let late = 0;
  const callbacks = { due: 0, done: 0, onTime: 0, late: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 };
  for (const t of tickets) {
    if (t.callbackDueAt !== null && t.callbackDueAt >= range.from && t.callbackDueAt < range.to) {
      // 服务承诺 二.1(7): the callback within 3 working days.
      callbacks.due += 1;
      if (t.callbackAt !== null) callbacks.done += 1;
      if (t.callbackAt !== null && t.callbackAt <= t.callbackDueAt) callbacks.onTime += 1;
      else if (t.callbackAt !== null || now > t.callbackDueAt) callbacks.late += 1;
      if (t.callbackAt !== null && t.satisfaction !== null) callbacks[SATISFACTION_FIELD[t.satisfaction]] += 1;
    }
    if (t.openedAt < range.from || t.openedAt >= range.to) continue;
    const c = (byType[t.type] ??= { opened: 0, closed: 0, onTime: 0, late: 0 });
    const s = bySubstation.get(t.substationId) ?? { opened: 0, closed: 0, onTime: 0, late: 0 };
    bySubstation.set(t.substationId, s);
    opened += 1;
    c.opened += 1;
    s.opened += 1;
    bySource[t.source] += 1;
    if (t.channel !== null) byChannel[t.channel] = (byChannel[t.channel] ?? 0) + 1;
    if (t.status === 'closed') {
      closed += 1;
      c.closed += 1;
      s.closed += 1;
    }
    if (t.dueAt === null || t.exempt !== null) continue;
    if (t.milestoneAt !== null && t.milestoneAt <= t.dueAt) {
      onTime += 1;
      c.onTime += 1;
      s.onTime += 1;
    } else if (t.milestoneAt !== null || now > t.dueAt) {
      late += 1;
      c.late += 1;
      s.late += 1;
    }
  }
  const rated = callbacks.satisfied + callbacks.basicallySatisfied + callbacks.dissatisfied;
  return {
    opened,
    closed,
    closureRate: opened === 0 ? null : closed / opened,
    timelinessRate: onTime + late === 0 ? null : onTime / (onTime + late),
    byType,
    bySource,
    byChannel,
    bySubstation: [...bySubstation].map(([substationId, counts]) => ({ substationId, ...counts })).sort((a, b) => String(a.substationId).localeCompare(String(b.substationId))),
    callbacks: { ...callbacks, satisfactionRate: rated === 0 ? null : (callbacks.satisfied + callbacks.basicallySatisfied) / rated },
  };
}
