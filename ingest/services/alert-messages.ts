/**
 * What a page says (issue 6): zh-CN, short enough for a phone's lock screen in the title, with
 * the ticket type, the place, the deadline and what is expected, and links to the ticket and to
 * acknowledge it. Times in Beijing time.
 */
import type { Device } from '../contracts/devices.ts';
import { TICKET_TYPE_ZH, type Ticket } from '../contracts/tickets.ts';
import type { AlertKind } from '../core/alerting/alert-policy.ts';
import { beijingClock } from '../contracts/beijing-time.ts';

const KIND_PREFIX: Record<AlertKind, string> = {
  page: '',
  escalation: '【升级】',
  reminder: '【提醒】',
  breach: '【已超时】',
  callback_reminder: '【回访提醒】',
  callback_breach: '【回访超时】',
  assignment: '【派单】',
};

const MILESTONE_ZH: Record<string, string> = {
  on_site: '到达现场',
  cause_found: '查明原因',
  first_reply: '答复用户',
  full_answer: '完整答复用户',
};


function minutes(ms: number): string {
  const m = Math.round(Math.abs(ms) / 60_000);
  return m < 120 ? `${m} 分钟` : `${Math.floor(m / 60)} 小时 ${m % 60} 分钟`;
}

/** Where: the device's (or substation's) name and the address, for a page and the acknowledge page. */
export function placeOf(t: Pick<Ticket, 'deviceId' | 'substationId' | 'address'>, device: (id: string) => Pick<Device, 'name' | 'address'> | undefined): string {
  const d = t.deviceId ? device(t.deviceId) : undefined;
  return [d?.name ?? t.substationId ?? '', t.address ?? d?.address ?? ''].filter(Boolean).join(' · ') || '—';
}

export interface MessageContext {
  ticket: Ticket;
  /** What happened, in words (services/facts-in-chinese.ts `situationOf`). */
  situation: string;
  kind: AlertKind;
  /** Where: the device's or substation's name and address. */
  place: string;
  /** Who is on duty (names), said in an escalation so the manager knows whom to call. */
  engineers: string[];
  escalatedAfterMin: number | null;
  now: number;
}

export function renderAlert(c: MessageContext): { title: string; text: string } {
  const t = c.ticket;
  const type = TICKET_TYPE_ZH[t.type];
  const callback = c.kind === 'callback_reminder' || c.kind === 'callback_breach';
  // A callback's deadline is its own (服务承诺 二.1(7): 3 working days after the work was done).
  const dueAt = callback ? t.callbackDueAt : t.dueAt;
  const due = dueAt === null ? null : Date.parse(dueAt);
  const milestone = callback ? '电话回访' : t.milestone ? MILESTONE_ZH[t.milestone] : null;
  const deadline =
    due === null || milestone === null
      ? '无时限'
      : due >= c.now
        ? `${beijingClock(due)} 前${milestone}（剩余 ${minutes(due - c.now)}）`
        : `应于 ${beijingClock(due)} 前${milestone}，已超时 ${minutes(c.now - due)}`;
  const title = `${KIND_PREFIX[c.kind]}【${type}】${c.place}${due !== null && milestone ? ` · ${beijingClock(due)} 前${milestone}` : ''}`;
  const lines = [
    `工单：${t.id}（${t.source === 'hotline' ? '热线' : '系统自动'}）`,
    `类型：${type}`,
    `地点：${c.place}`,
    `时限：${deadline}`,
    `情况：${c.situation}`,
  ];
  if (callback) {
    lines.push(`处理结果：${t.cause ?? '—'}`);
    if (t.contact) lines.push(`联系方式：${t.contact}`);
    lines.push(c.kind === 'callback_breach' ? '回访已超时，请值班干部安排调度立即回访。' : '请安排调度按时电话回访，并在系统中记录满意度和所拨号码。');
  }
  if (c.kind === 'escalation') {
    lines.push(`升级原因：开单 ${c.escalatedAfterMin ?? '?'} 分钟内无人接单；值班人员：${c.engineers.length ? c.engineers.join('、') : '无'}`);
  }
  if (c.kind === 'breach') lines.push('请值班干部立即协调处理。');
  if (c.kind === 'assignment') lines.push(`派单给：${c.engineers.join('、')}，请尽快接单处理。`);
  return { title, text: lines.join('\n') };
}
