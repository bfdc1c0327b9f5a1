/**
 * API readings (`[{ts, temp, …}]`, ISO times) as the columns uPlot draws: seconds on the x axis
 * shifted to Asia/Shanghai (uPlot labels in the browser's zone; the control room reads Beijing
 * time whatever the PC says), one column per field, gaps as null.
 */
export type ReadingRow = { ts: string } & Record<string, number | string | undefined>;

const SHANGHAI_OFFSET_MIN = 8 * 60;

/** uPlot's x value for an instant, so that its labels read Asia/Shanghai wall time. */
export function chartSeconds(ms: number, browserOffsetMin = new Date(ms).getTimezoneOffset()): number {
  return (ms + (SHANGHAI_OFFSET_MIN + browserOffsetMin) * 60_000) / 1000;
}

export function toColumns(rows: readonly ReadingRow[], fields: readonly string[]): [number[], ...(number | null)[][]] {
  const xs = rows.map((r) => chartSeconds(Date.parse(r.ts)));
  const columns = fields.map((f) => rows.map((r) => (typeof r[f] === 'number' ? (r[f] as number) : null)));
  return [xs, ...columns];
}
