/**
 * InfluxDB line protocol for readings: one measurement per device kind (`room`, `substation`),
 * tags deviceId, substationId and kind (cardinality bounded by the fleet), the readings as float
 * fields, millisecond timestamps. The same reading always gives the same line, so a replay
 * overwrites the point instead of adding one.
 */
import { FIELDS_BY_KIND, type Reading } from '../../contracts/payloads.ts';

const escapeTag = (v: string) => v.replace(/[,= \\]/g, (c) => `\\${c}`);

export function toLine(r: Reading, substationId: string | null): string {
  let fields = '';
  for (const f of FIELDS_BY_KIND[r.kind]) {
    const v = r.values[f];
    if (v === undefined) continue;
    // Always a float: InfluxDB fixes a field's type on first write, and 20 would be an integer.
    fields += `${fields ? ',' : ''}${f}=${Number.isInteger(v) ? `${v}.0` : v}`;
  }
  const station = substationId ?? (r.kind === 'substation' ? r.deviceId : null);
  const tags = `deviceId=${escapeTag(r.deviceId)},kind=${r.kind}${station ? `,substationId=${escapeTag(station)}` : ''}`;
  return `${r.kind},${tags} ${fields} ${r.ts}`;
}
