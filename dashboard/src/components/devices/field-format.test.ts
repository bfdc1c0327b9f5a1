import { describe, expect, it } from 'vitest';
import { formatNumber, formatValue } from './field-format.ts';

describe('field format', () => {
  it('prints temperatures and flow to 0.1 and pressures to 0.001, with units', () => {
    expect(formatValue('temp', 19.44)).toBe('19.4 °C');
    expect(formatValue('flow', 120)).toBe('120.0 m³/h');
    expect(formatValue('supplyPressure', 0.6234)).toBe('0.623 MPa');
    expect(formatValue('rssi', -71.4)).toBe('-71 dBm');
    expect(formatNumber('battery', 3.018)).toBe('3.02');
  });

  it('prints a dash for a missing value', () => {
    expect(formatValue('temp', undefined)).toBe('—');
    expect(formatValue('secSupplyPressure', null)).toBe('—');
    expect(formatNumber('temp', Number.NaN)).toBe('—');
  });
});
