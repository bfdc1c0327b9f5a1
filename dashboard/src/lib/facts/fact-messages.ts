/**
 * The rules' facts (contracts/rule-facts.ts) and the timeline's system entries in words, zh-CN
 * and English: the server stores facts, the dashboard says them in the reader's language.
 */
import { defineMessages } from '../i18n/define-messages.ts';

const zh = {
  'fact.room_low': '室温 {temp}，低于 {below} 已 {for}（最低 {lowest}）',
  'fact.room_warm_again': '室温 {temp}，不低于 {recover} 已 {for}',
  'fact.sudden_drop': '室温 {within}内由 {from} 降至 {to}，下降 {drop}（阈值：{windowMin} 分钟内 {threshold}）',
  'fact.drop_recovered': '室温 {temp}，回到下降前 {ref} 的 {within} 以内已 {for}',
  'fact.supply_fell': '{field} {within}内由 {from} 降至 {to}',
  'fact.supply_normal': '已恢复正常 {for}',
  'fact.supply_normal.levels': '已恢复正常 {for}：{levels}',
  'fact.silent': '{for}没有读数（上限：{intervals} 个上报周期 × {intervalSec} 秒）',
  'fact.reporting_again': '中断 {for}后恢复上报',
  'fact.out_of_range': '{field} {value} 超出合理范围 {min}…{max}',
  'fact.too_fast.rise': '{field} {within}内由 {from} 升至 {to}，超过每 {perMin} 分钟 {max} 的物理可能',
  'fact.too_fast.fall': '{field} {within}内由 {from} 降至 {to}，超过每 {perMin} 分钟 {max} 的物理可能',
  'fact.rooms_together': '{substation} 所带 {rooms} 个测温点中 {affected} 个在 {windowMin} 分钟内室温不达标或骤降（达到 {needed} 个即合并为换热站事件）',
  'fact.outdoor_below_design': '室外 {outdoor} 低于设计温度 {design}，不计考核',
  'fact.separator': '；',
  'fact.minutes': '{n} 分钟',

  'timeline.data.withEventAt': '{what}（事件时间 {at}）',
  'timeline.data.rooms': '{count} 个测温点：{ids}',
  'timeline.data.under': '归入 {id}',
  'timeline.data.alert': '{kind} · {channel} → {people}',
  'timeline.data.alertFailed': '{kind} · {channel} → {people}：{error}',
  'timeline.data.skipped.nobody_on_duty': '{kind}未发出：无值班人员（{substation}）',
  'timeline.data.skipped.no_channel': '{kind}未发出：未配置通知渠道（{substation}）',
  'timeline.data.firstReply.in_time': '首次答复按时；复杂问题，完整答复期限 {due}',
  'timeline.data.firstReply.late': '首次答复超时；复杂问题，完整答复期限 {due}',
  'timeline.data.firstReply.none': '复杂问题，完整答复期限 {due}',
  'timeline.data.hotline': '热线 5316206',
  'timeline.data.ack_link': '经通知消息中的链接',
  'alert.kind.page': '通知',
  'alert.kind.escalation': '升级',
  'alert.kind.reminder': '提醒',
  'alert.kind.breach': '超时',
} as const;

const en = {
  'fact.room_low': 'Room at {temp}, below {below} for {for} (lowest {lowest})',
  'fact.room_warm_again': 'Room at {temp}, at or above {recover} for {for}',
  'fact.sudden_drop': 'Room fell from {from} to {to} within {within}, a drop of {drop} (threshold: {threshold} within {windowMin} min)',
  'fact.drop_recovered': 'Room at {temp}, back within {within} of {ref} (before the drop) for {for}',
  'fact.supply_fell': '{field} fell from {from} to {to} within {within}',
  'fact.supply_normal': 'Back to normal for {for}',
  'fact.supply_normal.levels': 'Back to normal for {for}: {levels}',
  'fact.silent': 'No reading for {for} (limit: {intervals} intervals × {intervalSec} s)',
  'fact.reporting_again': 'Reporting again after {for} of silence',
  'fact.out_of_range': '{field} {value} outside the plausible range {min}…{max}',
  'fact.too_fast.rise': '{field} rose from {from} to {to} within {within}, faster than {max} per {perMin} min is physically possible',
  'fact.too_fast.fall': '{field} fell from {from} to {to} within {within}, faster than {max} per {perMin} min is physically possible',
  'fact.rooms_together': '{affected} of the {rooms} rooms fed by {substation} went cold or dropped within {windowMin} min ({needed} make a substation incident)',
  'fact.outdoor_below_design': 'Outdoors {outdoor}, below the design temperature {design}: not counted',
  'fact.separator': '; ',
  'fact.minutes': '{n} min',

  'timeline.data.withEventAt': '{what} (event time {at})',
  'timeline.data.rooms': '{count} rooms: {ids}',
  'timeline.data.under': 'under {id}',
  'timeline.data.alert': '{kind} · {channel} → {people}',
  'timeline.data.alertFailed': '{kind} · {channel} → {people}: {error}',
  'timeline.data.skipped.nobody_on_duty': '{kind} not sent: nobody on duty ({substation})',
  'timeline.data.skipped.no_channel': '{kind} not sent: no channel configured ({substation})',
  'timeline.data.firstReply.in_time': 'First reply in time; complex question, full answer due {due}',
  'timeline.data.firstReply.late': 'First reply late; complex question, full answer due {due}',
  'timeline.data.firstReply.none': 'Complex question, full answer due {due}',
  'timeline.data.hotline': 'Hotline 5316206',
  'timeline.data.ack_link': 'Through the link in the page',
  'alert.kind.page': 'Page',
  'alert.kind.escalation': 'Escalation',
  'alert.kind.reminder': 'Reminder',
  'alert.kind.breach': 'Overdue',
};

export const factMessages = defineMessages(zh, en);
