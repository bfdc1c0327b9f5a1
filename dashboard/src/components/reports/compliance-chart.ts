/**
 * The daily compliance chart's geometry, pure: a column per day, coloured against the target,
 * on a scale that starts low enough to show the worst day (a scale from 0 would make 95 % and
 * 97 % look alike) and ends at 100 %; days with nothing to judge get no column.
 */
import type { LocalDate } from '../../../../ingest/contracts/beijing-time.ts';

export interface ChartDay {
  date: LocalDate;
  complianceRate: number | null;
}

export interface ChartColumn {
  date: LocalDate;
  x: number;
  width: number;
  /** Top of the column; null: nothing judged that day. */
  y: number | null;
  state: 'met' | 'missed' | 'none';
  /** Day of the month, shown under every column when they fit, else every few days. */
  label: string | null;
}

export interface ChartGeometry {
  columns: ChartColumn[];
  /** The scale's bottom (a rate), its gridlines, and where the target line is drawn. */
  floor: number;
  ticks: { rate: number; y: number }[];
  targetY: number;
  plot: { left: number; top: number; width: number; height: number };
}

/** The scale's bottom: the worst day rounded down to 5 %, never above 90 % nor below 0. */
export function chartFloor(days: readonly ChartDay[]): number {
  const worst = Math.min(1, ...days.flatMap((d) => (d.complianceRate === null ? [] : [d.complianceRate])));
  return Math.max(0, Math.min(0.9, Math.floor(worst * 20) / 20));
}

/** 0.975 → "97.5%", 0.9 → "90%": a gridline's rate, never rounded to a neighbouring whole percent. */
export const tickLabel = (rate: number): string => `${Number((rate * 100).toFixed(1))}%`;

export function complianceChart(days: readonly ChartDay[], target: number, size: { width: number; height: number }): ChartGeometry {
  const plot = { left: 44, top: 8, width: size.width - 52, height: size.height - 32 };
  const floor = chartFloor(days);
  const yOf = (rate: number) => plot.top + plot.height * (1 - (Math.max(rate, floor) - floor) / (1 - floor));
  const step = plot.width / Math.max(1, days.length);
  const every = step >= 18 ? 1 : step >= 9 ? 2 : Math.ceil(18 / step);
  const columns = days.map((d, i): ChartColumn => {
    const rate = d.complianceRate;
    return {
      date: d.date,
      x: plot.left + i * step + step * 0.15,
      width: step * 0.7,
      y: rate === null ? null : yOf(rate),
      state: rate === null ? 'none' : rate >= target ? 'met' : 'missed',
      label: i % every === 0 ? String(Number(d.date.slice(8, 10))) : null,
    };
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => floor + (1 - floor) * f).map((rate) => ({ rate, y: yOf(rate) }));
  return { columns, floor, ticks, targetY: yOf(target), plot };
}
