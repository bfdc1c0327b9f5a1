/**
 * A measurement as the panel prints it: temperatures and flow to 0.1, pressures to 0.001 MPa as
 * the stations report them (a drop of a few hundredths is what a leak looks like), with the unit.
 */
import type { FieldName } from '../../../../ingest/contracts/payloads.ts';

const UNIT: Record<FieldName, string> = {
  temp: '°C',
  humidity: '%',
  battery: 'V',
  rssi: 'dBm',
  supplyTemp: '°C',
  returnTemp: '°C',
  supplyPressure: 'MPa',
  returnPressure: 'MPa',
  flow: 'm³/h',
  secSupplyTemp: '°C',
  secReturnTemp: '°C',
  secSupplyPressure: 'MPa',
  secReturnPressure: 'MPa',
  outdoorTemp: '°C',
  makeupFlow: 'm³/h',
};

const DECIMALS: Partial<Record<FieldName, number>> = {
  humidity: 0,
  rssi: 0,
  battery: 2,
  supplyPressure: 3,
  returnPressure: 3,
  secSupplyPressure: 3,
  secReturnPressure: 3,
};

export const unitOf = (field: FieldName): string => UNIT[field];

/** The number alone ("19.4"), or "—" when there is none. */
export function formatNumber(field: FieldName, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(DECIMALS[field] ?? 1);
}

/** The number with its unit ("0.62 MPa"), or "—". */
export function formatValue(field: FieldName, value: number | null | undefined): string {
  const n = formatNumber(field, value);
  return n === '—' ? n : `${n} ${UNIT[field]}`;
}
