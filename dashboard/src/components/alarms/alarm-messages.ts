/** Messages of the control room's alarms: zh-CN first, English for every key. */
import { defineMessages } from '../../lib/i18n/define-messages.ts';

const zh = {
  'alarm.opened': '【{type}】{place} · 无人接单（{id}）',
  'alarm.breached': '【已超时】{type} · {place}（{id}）',
  'alarm.title.opened': 'HeatWatch 紧急工单',
  'alarm.title.breached': 'HeatWatch 工单超时',
  'alarm.more': '另有 {count} 条',
  'alarm.open': '查看',
  'alarm.dismiss': '知道了',
  'alarm.dismissAll': '全部知道了（{count}）',
  'alarm.soundOn': '提示音：开',
  'alarm.soundOff': '提示音：关',
} as const;

const en = {
  'alarm.opened': '{type} · {place} · nobody has taken it ({id})',
  'alarm.breached': 'Overdue: {type} · {place} ({id})',
  'alarm.title.opened': 'HeatWatch: urgent ticket',
  'alarm.title.breached': 'HeatWatch: ticket overdue',
  'alarm.more': '{count} more',
  'alarm.open': 'Open',
  'alarm.dismiss': 'Dismiss',
  'alarm.dismissAll': 'Dismiss all ({count})',
  'alarm.soundOn': 'Sound: on',
  'alarm.soundOff': 'Sound: off',
};

export const alarmMessages = defineMessages(zh, en);
