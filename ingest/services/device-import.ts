/**
 * Provisioning from a CSV export of the utility's asset list: one device per row, header row
 * first (id,kind,name,lat,lng,address,roomType,substationId,intervalSec). Substations are
 * created before rooms so a room may name a substation further down the file. A bad row is
 * reported with its line number and does not stop the others.
 */
import { newDeviceSchema, type ProvisionedDevice } from '../contracts/devices.ts';
import { AppError } from '../errors.ts';
import type { DeviceService } from './device-service.ts';

export const IMPORT_COLUMNS = ['id', 'kind', 'name', 'lat', 'lng', 'address', 'roomType', 'substationId', 'intervalSec'] as const;
export const MAX_IMPORT_ROWS = 100_000;

export interface ImportResult {
  created: ProvisionedDevice[];
  errors: { line: number; id: string | null; message: string }[];
}

const NUMERIC = new Set(['lat', 'lng', 'intervalSec']);

function toInput(row: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(row)) {
    const value = raw.trim();
    if (value === '') continue; // an empty cell is an absent optional field
    input[key] = NUMERIC.has(key) ? (Number.isNaN(Number(value)) ? value : Number(value)) : value;
  }
  return input;
}

/** Provisions the rows of an asset list (read by the HTTP edge, at most MAX_IMPORT_ROWS). */
export async function importDevices(rows: Record<string, string>[], devices: Pick<DeviceService, 'provision'>): Promise<ImportResult> {
  if (rows.length === 0) throw new AppError('HW_BAD_REQUEST', `no rows: the first line must name the columns (${IMPORT_COLUMNS.join(',')})`);
  if (rows.length > MAX_IMPORT_ROWS) throw new AppError('HW_BAD_REQUEST', `${rows.length} rows: at most ${MAX_IMPORT_ROWS} per import`);
  const unknown = Object.keys(rows[0]!).filter((c) => !(IMPORT_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) throw new AppError('HW_BAD_REQUEST', `unknown columns ${unknown.join(', ')}; expected ${IMPORT_COLUMNS.join(',')}`);

  // Line numbers as a person sees them in the file: the header is line 1.
  const numbered = rows.map((row, i) => ({ line: i + 2, input: toInput(row) }));
  const ordered = [...numbered.filter((r) => r.input.kind === 'substation'), ...numbered.filter((r) => r.input.kind !== 'substation')];
  const result: ImportResult = { created: [], errors: [] };
  for (const { line, input } of ordered) {
    const id = typeof input.id === 'string' ? input.id : null;
    const parsed = newDeviceSchema.safeParse(input);
    if (!parsed.success) {
      result.errors.push({ line, id, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      continue;
    }
    try {
      result.created.push(await devices.provision(parsed.data));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      result.errors.push({ line, id, message: err.message });
    }
  }
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}

/** A cell HeatWatch made itself (a generated secret) that must be written exactly as it is. */
export interface ExactCell {
  exact: string;
}

export const exact = (value: string): ExactCell => ({ exact: value });

/**
 * RFC 4180 quoting for the CSV HeatWatch writes. A text cell that a spreadsheet would run as a
 * formula (=, +, -, @, tab, CR first) is prefixed with ' (OWASP CSV injection); numbers are not,
 * and neither are `exact` cells: a device secret that happens to start with '-' must stay the secret.
 */
export function csvLine(values: readonly (string | number | null | undefined | ExactCell)[]): string {
  return values
    .map((v) => {
      let s = v === null || v === undefined ? '' : typeof v === 'object' ? v.exact : String(v);
      if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}
