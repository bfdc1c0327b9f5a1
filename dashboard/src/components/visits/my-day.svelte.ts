/**
 * 今日走访's state: the day shown (Beijing, today to start with) and what the API says is on it.
 * A newer load wins over an older one still under way (the date changed meanwhile).
 */
import { isLocalDate, localDateOf } from '../../../../ingest/contracts/beijing-time.ts';
import type { Household } from '../../../../ingest/contracts/households.ts';
import type { MyDay } from '../../../../ingest/contracts/my-day.ts';
import type { ApiClient } from '../../lib/api/api-client.ts';

export class MyDayModel {
  date = $state('');
  day = $state.raw<MyDay | null>(null);
  error = $state<string | null>(null);
  #loading: AbortController | null = null;

  constructor(
    private readonly api: Pick<ApiClient, 'get'>,
    now: number = Date.now(),
  ) {
    this.date = localDateOf(now);
  }

  household(id: string): Household | undefined {
    return this.day?.households.find((h) => h.id === id);
  }

  async load(): Promise<void> {
    // A date input being cleared or half typed: nothing to ask for yet.
    if (!isLocalDate(this.date)) return;
    this.#loading?.abort();
    const abort = (this.#loading = new AbortController());
    try {
      this.day = await this.api.get<MyDay>(`/api/my-day?date=${encodeURIComponent(this.date)}`, abort.signal);
      this.error = null;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.error = (err as Error).message;
    }
  }

  dispose(): void {
    this.#loading?.abort();
  }
}
