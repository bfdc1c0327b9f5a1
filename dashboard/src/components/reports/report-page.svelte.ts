/** The 报表 page's state: the range asked for, the report, and the downloads; a new range cancels the old request. */
import type { Report } from '../../../../ingest/contracts/reports.ts';
import type { ApiClient } from '../../lib/api/api-client.ts';
import type { DateRange } from './report-range.ts';

export class ReportModel {
  report = $state.raw<Report | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  #abort: AbortController | null = null;

  constructor(private readonly api: ApiClient) {}

  async load(range: DateRange): Promise<void> {
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.loading = true;
    this.error = null;
    try {
      const report = await this.api.get<Report>(`/api/reports?from=${range.from}&to=${range.to}`, abort.signal);
      if (!abort.signal.aborted) this.report = report;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.error = (err as Error).message;
    } finally {
      if (this.#abort === abort) this.loading = false;
    }
  }

  /** Saves the workbook or the room-day CSV the API makes for the range. */
  async download(range: DateRange, format: 'xlsx' | 'csv'): Promise<void> {
    this.error = null;
    try {
      const blob = await this.api.download(`/api/reports?from=${range.from}&to=${range.to}&format=${format}`);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `heatwatch-report-${range.from}-${range.to}${format === 'csv' ? '-room-days.csv' : '.xlsx'}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  close(): void {
    this.#abort?.abort();
  }
}
