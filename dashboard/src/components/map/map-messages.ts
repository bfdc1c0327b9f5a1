/**
 * Messages of the map feature beyond the shared ones in lib/i18n: zh-CN first, English for
 * every key (the type refuses a missing one). Merged into the one dictionary by lib/i18n.
 */
import { defineMessages } from '../../lib/i18n/define-messages.ts';

const zh = {
  'map.zoomIn': '放大',
  'map.zoomOut': '缩小',
  'map.fitAll': '显示全部',
  'map.legendCluster': '聚合点：总数 · 最严重状态的个数',
  'map.total': '共 {count} 个',
  'map.degrees': '{value} ℃',
  'map.region': '供热地图',
} as const;

export const mapMessages = defineMessages(zh, {
  'map.zoomIn': 'Zoom in',
  'map.zoomOut': 'Zoom out',
  'map.fitAll': 'Show all',
  'map.legendCluster': 'Cluster: total · how many in its worst state',
  'map.total': '{count} in all',
  'map.degrees': '{value} °C',
  'map.region': 'Heating map',
});
