/**
 * The rules' facts in Chinese, for what HeatWatch sends (pages, the acknowledge page): the
 * dispatcher and the engineers read Chinese. The dashboard renders the same facts through its
 * own i18n (zh-CN and English).
 */
import type { FieldName } from '../contracts/payloads.ts';
import type { RuleFact } from '../contracts/rule-facts.ts';

const FIELD_ZH: Readonly<Record<FieldName, string>> = {
  temp: '室温',
  humidity: '湿度',
  battery: '电池电压',
  rssi: '信号强度',
  supplyTemp: '一次供水温度',
  returnTemp: '一次回水温度',
  supplyPressure: '一次供水压力',
  returnPressure: '一次回水压力',
  flow: '流量',
  secSupplyTemp: '二次供水温度',
  secReturnTemp: '二次回水温度',
  secSupplyPressure: '二次供水压力',
  secReturnPressure: '二次回水压力',
  outdoorTemp: '室外温度',
  makeupFlow: '补水量',
};

const c = (v: number) => `${v.toFixed(1)} °C`;
const mpa = (v: number) => `${v.toFixed(2)} MPa`;
const minutes = (ms: number) => `${Math.round(ms / 60_000)} 分钟`;
/** A field's value with its unit: pressures in MPa, the rest as temperatures. */
const valueOf = (field: FieldName, v: number) => (field.endsWith('Pressure') ? mpa(v) : c(v));

export function factInChinese(f: RuleFact, nameOf: (id: string) => string | undefined = () => undefined): string {
  switch (f.fact) {
    case 'room_low':
      return `室温 ${c(f.tempC)}，低于 ${c(f.belowC)} 已 ${minutes(f.forMs)}（最低 ${c(f.lowestC)}）`;
    case 'room_warm_again':
      return `室温 ${c(f.tempC)}，不低于 ${c(f.recoverAtC)} 已 ${minutes(f.forMs)}`;
    case 'sudden_drop':
      return `室温 ${minutes(f.withinMs)}内由 ${c(f.fromC)} 降至 ${c(f.toC)}，下降 ${c(f.fromC - f.toC)}（阈值：${f.windowMin} 分钟内 ${c(f.dropC)}）`;
    case 'drop_recovered':
      return `室温 ${c(f.tempC)}，回到下降前 ${c(f.refC)} 的 ${c(f.withinC)} 以内已 ${minutes(f.forMs)}`;
    case 'supply_fell':
      return `${FIELD_ZH[f.field]} ${minutes(f.withinMs)}内由 ${valueOf(f.field, f.from)} 降至 ${valueOf(f.field, f.to)}`;
    case 'supply_normal': {
      const levels = [f.pressureMPa === null ? null : `一次供水压力 ${mpa(f.pressureMPa)}`, f.tempC === null ? null : `一次供水温度 ${c(f.tempC)}`].filter((x) => x !== null);
      return `已恢复正常 ${minutes(f.forMs)}：${levels.join('，')}`;
    }
    case 'pump_stopped':
      return `二次网循环泵停运：供回水压差 ${minutes(f.withinMs)}内由 ${mpa(f.fromMPa)} 降至 ${mpa(f.toMPa)}`;
    case 'flow_collapsed':
      return `一次网流量 ${minutes(f.withinMs)}内由 ${f.from.toFixed(1)} 降至 ${f.to.toFixed(1)} m³/h，供水压力正常（${mpa(f.pressureMPa)}）：阀门或执行器故障`;
    case 'pump_failing':
      return `二次网循环泵异常：二次供回水温差 ${minutes(f.withinMs)}内由 ${c(f.secFromC)} 升至 ${c(f.secToC)}，一次供回水温差由 ${c(f.primFromC)} 降至 ${c(f.primToC)}`;
    case 'substation_normal':
      return `换热站运行恢复正常 ${minutes(f.forMs)}`;
    case 'makeup_high':
      return `补水量为循环流量的 ${f.percent.toFixed(1)}%，超过 ${f.limitPercent}% 已 ${minutes(f.forMs)}：疑似漏水`;
    case 'makeup_normal':
      return `补水量降至循环流量的 ${f.percent.toFixed(1)}% 已 ${minutes(f.forMs)}`;
    case 'silent':
      return `${minutes(f.silentMs)}没有读数（上限：${f.intervals} 个上报周期 × ${f.intervalSec} 秒）`;
    case 'reporting_again':
      return `中断 ${minutes(f.silentMs)}后恢复上报`;
    case 'out_of_range':
      return `${FIELD_ZH[f.field]} ${f.value} 超出合理范围 ${f.min}…${f.max}`;
    case 'too_fast':
      return `${FIELD_ZH[f.field]} ${minutes(f.withinMs)}内由 ${c(f.from)} ${f.to > f.from ? '升至' : '降至'} ${c(f.to)}，超过每 ${f.perMin} 分钟 ${c(f.maxChange)} 的物理可能`;
    case 'calibrate':
      return `走访实测 ${c(f.measuredC)}，测温点读数 ${c(f.sensorC)}，相差超过 ${c(f.limitC)}，需校准（${f.visitId}）`;
    case 'rooms_together':
      return `${nameOf(f.substationId) ?? f.substationId} 所带 ${f.rooms} 个测温点中 ${f.affected} 个在 ${f.windowMin} 分钟内室温不达标或骤降（达到 ${f.needed} 个即合并为换热站事件）`;
    case 'outdoor_day_mean':
      return `${f.date} 室外日平均 ${c(f.outdoorC)}（设计温度 ${c(f.designC)}）`;
    case 'outdoor_below_design':
      return `室外日平均 ${c(f.outdoorC)} 低于设计温度 ${c(f.designC)}，不计考核`;
  }
}

export function factsInChinese(facts: readonly RuleFact[], nameOf?: (id: string) => string | undefined): string {
  return facts.map((f) => factInChinese(f, nameOf)).join('；');
}

/** What happened, for a page or the acknowledge page: a rule's facts in words, or what the caller said. */
export function situationOf(t: { description: string; facts: RuleFact[] | null; deviceId: string | null }, nameOf: (id: string) => string | undefined): string {
  if (t.facts === null) return t.description;
  const what = factsInChinese(t.facts, nameOf);
  return t.deviceId ? `${nameOf(t.deviceId) ?? t.deviceId}：${what}` : what;
}
