/**
 * API readings (`[{ts, temp, …}]`, ISO times) as the columns uPlot draws: seconds on the x axis
 * shifted to Asia/Shanghai (uPlot labels in the browser's zone; the control room reads Beijing
 * time whatever the PC says), one column per field, gaps as null.
 */
import { BEIJING_UTC_OFFSET_MS } from '../../../../ingest/contracts/beijing-time.ts';

export type ReadingRow = { ts: string } & Record<string, number | string | undefined>;

/** uPlot's x value for an instant, so that its labels read Asia/Shanghai wall time. */
export function chartSeconds(ms: number, browserOffsetMin = new Date(ms).getTimezoneOffset()): number {
  return (ms + BEIJING_UTC_OFFSET_MS + browserOffsetMin * 60_000) / 1000;
}

export function toColumns(rows: readonly ReadingRow[], fields: readonly string[]): [number[], ...(number | null)[][]] {
  const xs = rows.map((r) => chartSeconds(Date.parse(r.ts)));
  const columns = fields.map((f) => rows.map((r) => (typeof r[f] === 'number' ? (r[f] as number) : null)));
  return [xs, ...columns];
}

/**
 * The y range: the data with a margin, always including `threshold`, and never narrower than 2 %
 * of the level (so sensor noise on a steady 0.87 MPa or 21.3 °C does not fill the chart).
 */
export function yRange(min: number | null, max: number | null, threshold?: number): [number, number] {
  let lo = min ?? threshold ?? 0;
  let hi = max ?? threshold ?? 1;
  if (threshold !== undefined) {
    lo = Math.min(lo, threshold);
    hi = Math.max(hi, threshold);
  }
  const mid = (lo + hi) / 2;
  const span = Math.max(hi - lo, Math.abs(mid) * 0.02, 0.01);
  const margin = span * 0.1;
  return [mid - span / 2 - margin, mid + span / 2 + margin];
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * x-axis labels as a Chinese control room writes them, 24-hour: "08:00" within a day, "12-10"
 * at midnight and over longer spans. Values are `chartSeconds`, so local getters read Beijing time.
 */
/** The legend's time under the cursor (12-10 08:05, Beijing time), and nothing — not "--" — without one. */
export function legendTime(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '';
  const d = new Date(s * 1000);
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function timeLabels(splits: readonly number[], spanSeconds: number): string[] {
  return splits.map((s) => {
    const d = new Date(s * 1000);
    const day = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    if (spanSeconds > 2 * 86_400) return day;
    const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return time === '00:00' ? day : time;
  });
}
