/**
 * Messages of the tickets feature beyond the shared ones in lib/i18n: zh-CN first, English for
 * every key (the type refuses a missing one). Merged into the one dictionary by lib/i18n.
 */
import { defineMessages } from '../../lib/i18n/define-messages.ts';

const zh = {
  'tickets.count.breached': '超时 {count}',
  'tickets.count.at_risk': '临近 {count}',
  'tickets.count.on_time': '按时 {count}',
  'tickets.shown': '显示前 {shown} 条，共 {total} 条；请用筛选缩小范围',
  'tickets.childrenShort': '关联 {count}',
  'tickets.linkedTo': '属于 {id}',
  'tickets.collapse': '收起 {count} 个关联工单',
  'tickets.expand': '展开 {count} 个关联工单',
  'tickets.exemptShort': '不计考核',
  'tickets.recoveredShort': '已恢复',
  'tickets.closedLimit': '已关闭工单只显示最近 {count} 条',

  'ticket.detail.type': '类型',
  'ticket.detail.status': '状态',
  'ticket.detail.source': '来源',
  'ticket.detail.milestone': '考核节点',
  'ticket.detail.milestoneAt': '节点完成',
  'ticket.detail.description': '描述',
  'ticket.detail.exempt': '考核',
  'ticket.detail.recoveredAt': '条件恢复',
  'ticket.detail.children': '关联测温点工单（{count}）',
  'ticket.detail.temperatures': '温度',
  'ticket.detail.pressures': '压力',
  'ticket.detail.actions': '处理',
  'ticket.detail.actorRules': '系统规则',
  'ticket.detail.actorAlerting': '通知系统',
  'ticket.detail.linkedHint': '此工单已归入换热站工单统一处理',

  'timeline.notified': '通知已发送',
  'timeline.notify_failed': '通知失败',
  'timeline.notify_skipped': '未发出通知',

  'ticket.action.busy': '提交中…',
  'ticket.action.causeRequired': '请填写原因',
  'ticket.action.afterCallback': '客户工单需回访后才能关闭',
  'ticket.action.notePlaceholder': '可选',

  'hotline.typePlaceholder': '请选择类型',
  'hotline.busy': '正在开单…',
  'hotline.error.type': '请选择类型',
  'hotline.error.description': '请填写问题描述',
  'hotline.error.deviceFormat': '编号只能包含字母、数字、_ 和 -，最多 64 位',
  'hotline.error.deviceUnknown': '没有编号为 {id} 的测温点',
} as const;

const en = {
  'tickets.count.breached': 'Overdue {count}',
  'tickets.count.at_risk': 'At risk {count}',
  'tickets.count.on_time': 'On time {count}',
  'tickets.shown': 'Showing the first {shown} of {total}; narrow it with the filters',
  'tickets.childrenShort': '{count} linked',
  'tickets.linkedTo': 'Under {id}',
  'tickets.collapse': 'Fold its {count} linked tickets',
  'tickets.expand': 'Show its {count} linked tickets',
  'tickets.exemptShort': 'Exempt',
  'tickets.recoveredShort': 'Recovered',
  'tickets.closedLimit': 'Only the latest {count} closed tickets are shown',

  'ticket.detail.type': 'Type',
  'ticket.detail.status': 'Status',
  'ticket.detail.source': 'Source',
  'ticket.detail.milestone': 'Commitment',
  'ticket.detail.milestoneAt': 'Reached',
  'ticket.detail.description': 'Description',
  'ticket.detail.exempt': 'Counted',
  'ticket.detail.recoveredAt': 'Recovered',
  'ticket.detail.children': 'Linked room tickets ({count})',
  'ticket.detail.temperatures': 'Temperatures',
  'ticket.detail.pressures': 'Pressures',
  'ticket.detail.actions': 'Actions',
  'ticket.detail.actorRules': 'Rules',
  'ticket.detail.actorAlerting': 'Alerting',
  'ticket.detail.linkedHint': 'Handled together with its substation ticket',

  'timeline.notified': 'Notified',
  'timeline.notify_failed': 'Notification failed',
  'timeline.notify_skipped': 'Not notified',

  'ticket.action.busy': 'Sending…',
  'ticket.action.causeRequired': 'Enter the cause',
  'ticket.action.afterCallback': 'A customer ticket is closed after the callback',
  'ticket.action.notePlaceholder': 'Optional',

  'hotline.typePlaceholder': 'Choose a type',
  'hotline.busy': 'Opening…',
  'hotline.error.type': 'Choose a type',
  'hotline.error.description': 'Describe the problem',
  'hotline.error.deviceFormat': 'Letters, digits, _ and - only, at most 64',
  'hotline.error.deviceUnknown': 'No sensor with the id {id}',
};

export const ticketMessages = defineMessages(zh, en);
