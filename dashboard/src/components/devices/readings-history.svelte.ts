/**
 * One device's history for the chart: the chosen range, its readings, and the request in
 * flight. A new range or closing the panel aborts the request before (a slow season query must
 * not overwrite the 24 h chart clicked after it). New live readings refresh the 24 h chart, at
 * most once per `refreshMs`, so a substation reporting every 30 s does not re-query constantly.
 */
import type { ApiClient } from '../../lib/api/api-client.ts';
import type { ReadingRow } from '../charts/chart-data.ts';
import { rangeQuery, readingsPath, type HistoryRange } from './history-range.ts';

export class ReadingsHistory {
  range = $state<HistoryRange>('24h');
  rows = $state.raw<ReadingRow[]>([]);
  /** The range `rows` belong to (while another loads, they are the previous range's). */
  rowsRange = $state<HistoryRange | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  #abort: AbortController | null = null;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #liveTs: string | null = null;

  constructor(
    private readonly api: Pick<ApiClient, 'get'>,
    private readonly deviceId: string,
    private readonly now: () => number = Date.now,
    private readonly refreshMs = 30_000,
  ) {}

  select(range: HistoryRange): void {
    if (range === this.range && this.loading) return;
    this.range = range;
    void this.load();
  }

  async load(): Promise<void> {
    this.#cancel();
    const abort = new AbortController();
    this.#abort = abort;
    this.loading = true;
    this.error = null;
    const path = readingsPath(this.deviceId, rangeQuery(this.range, this.now()));
    try {
      const res = await this.api.get<{ readings: ReadingRow[] }>(path, abort.signal);
      if (abort.signal.aborted) return;
      this.rows = res.readings;
      this.rowsRange = this.range;
      this.#loadedAt = this.now();
    } catch (err) {
      if (abort.signal.aborted) return;
      this.error = (err as Error).message;
    } finally {
      if (this.#abort === abort) {
        this.loading = false;
        this.#abort = null;
      }
    }
  }

  /** The device's newest reading time, as the live store has it; a newer one may refresh the chart. */
  noteLiveReading(ts: string | null): void {
    const previous = this.#liveTs;
    this.#liveTs = ts;
    if (ts === null || previous === null || ts <= previous) return;
    if (this.range !== '24h' || this.#refreshTimer !== undefined) return;
    const wait = Math.max(0, this.#loadedAt + this.refreshMs - this.now());
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined;
      if (this.range === '24h') void this.load();
    }, wait);
  }

  close(): void {
    this.#cancel();
  }

  #cancel(): void {
    this.#abort?.abort();
    this.#abort = null;
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
  }
}
