/**
 * Which charts the readings around a ticket's event make: a room's temperature against the
 * room threshold (the server's rules); a substation's primary and secondary temperatures, and its pressures on their own
 * axis (MPa next to °C would flatten one of them). Fields the device never sent are left out.
 */
import type { MessageKey } from '../../lib/i18n/i18n.svelte.ts';
import type { ReadingRow } from '../charts/chart-data.ts';

export interface ChartSpec {
  title: MessageKey;
  unit: string;
  thresholdC?: number;
  fields: { key: string; label: MessageKey; colour: string }[];
}

const room = (thresholdC: number): ChartSpec[] => [{ title: 'field.temp', unit: '℃', thresholdC, fields: [{ key: 'temp', label: 'field.temp', colour: '#14597f' }] }];

const SUBSTATION: ChartSpec[] = [
  {
    title: 'ticket.detail.temperatures',
    unit: '℃',
    fields: [
      { key: 'supplyTemp', label: 'field.supplyTemp', colour: '#c4320a' },
      { key: 'returnTemp', label: 'field.returnTemp', colour: '#1570ef' },
      { key: 'secSupplyTemp', label: 'field.secSupplyTemp', colour: '#f79009' },
      { key: 'secReturnTemp', label: 'field.secReturnTemp', colour: '#53b1fd' },
    ],
  },
  {
    title: 'ticket.detail.pressures',
    unit: ' MPa',
    fields: [
      { key: 'supplyPressure', label: 'field.supplyPressure', colour: '#7a5af8' },
      { key: 'returnPressure', label: 'field.returnPressure', colour: '#12b76a' },
    ],
  },
];

/** `roomLowC`: 服务承诺 二.1(2), the server's room threshold. */
export function chartsFor(rows: readonly ReadingRow[], kind: 'room' | 'substation' | undefined, roomLowC: number): ChartSpec[] {
  if (rows.length === 0) return [];
  const has = (key: string) => rows.some((r) => typeof r[key] === 'number');
  const specs = (kind ?? (has('temp') ? 'room' : 'substation')) === 'room' ? room(roomLowC) : SUBSTATION;
  return specs.map((s) => ({ ...s, fields: s.fields.filter((f) => has(f.key)) })).filter((s) => s.fields.length > 0);
}
