/**
 * Messages of the devices feature beyond the shared ones in lib/i18n: zh-CN first, English for
 * every key (the type refuses a missing one). Merged into the one dictionary by lib/i18n.
 */
import { defineMessages } from '../../lib/i18n/define-messages.ts';

const zh = {
  'device.notFound': '未找到设备 {id}',
  'device.notFoundHint': '它可能已被删除，或编号有误。',
  'device.address': '地址',
  'device.roomType': '房间类型',
  'device.readAt': '读数时间 {time}（{ago}前）',
  'device.backlog': '设备在线，正在补传历史读数：最新读数尚未到达',
  'device.ranges': '时间范围',
  'device.historyLoading': '正在加载读数…',
  'device.historyFailed': '读数加载失败：{message}',
  'device.noHistory': '该时段没有读数',
  'device.chart.temps': '一次网供回水温度',
  'device.chart.pressures': '一次网供回水压力',
  'device.field': '项目',
  'device.count.rooms': '测温点',
  'device.count.cold': '低于 {value}℃',
  'device.count.offline': '离线',
  'device.count.noData': '暂无数据',
  'device.lowest': '最低 {value}',
  'device.median': '中位数 {value}',
  'device.coldest': '最冷的测温点',
  'device.noRooms': '没有所带测温点',
  'device.ticketsUnder': '本站及所带测温点未结工单 {count} 个',
  'device.moreTickets': '另有 {count} 个，可在工单队列中按换热站筛选查看',
  'device.bin.below': '<{value}',
  'device.bin.above': '≥{value}',
  'device.binTitle': '{range}℃：{count} 个',
} as const;

const en = {
  'device.notFound': 'Device {id} not found',
  'device.notFoundHint': 'It may have been removed, or the id is wrong.',
  'device.address': 'Address',
  'device.roomType': 'Room type',
  'device.readAt': 'Read at {time} ({ago} ago)',
  'device.backlog': 'Online and still sending its backlog: the newest readings have not arrived yet',
  'device.ranges': 'Time range',
  'device.historyLoading': 'Loading readings…',
  'device.historyFailed': 'Could not load readings: {message}',
  'device.noHistory': 'No readings in this period',
  'device.chart.temps': 'Primary supply / return temperature',
  'device.chart.pressures': 'Primary supply / return pressure',
  'device.field': 'Measurement',
  'device.count.rooms': 'Rooms',
  'device.count.cold': 'Below {value} °C',
  'device.count.offline': 'Offline',
  'device.count.noData': 'No data',
  'device.lowest': 'Lowest {value}',
  'device.median': 'Median {value}',
  'device.coldest': 'Coldest rooms',
  'device.noRooms': 'No rooms fed by this substation',
  'device.ticketsUnder': '{count} open tickets at this substation and its rooms',
  'device.moreTickets': '{count} more: filter the ticket queue by this substation',
  'device.bin.below': '<{value}',
  'device.bin.above': '≥{value}',
  'device.binTitle': '{range} °C: {count}',
};

export const deviceMessages = defineMessages(zh, en);
