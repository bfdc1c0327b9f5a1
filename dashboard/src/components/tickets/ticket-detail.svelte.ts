/**
 * One ticket as the detail shows it: fetched with its timeline and the readings around the event,
 * then kept current. The store pushes the ticket itself live; the timeline is not in the live
 * event, so it is refetched (debounced: a correlation may touch a ticket several times at once).
 */
import type { Household } from '../../../../ingest/contracts/households.ts';
import type { Ticket, TimelineEntry } from '../../../../ingest/contracts/tickets.ts';
import { ApiError, type ApiClient } from '../../lib/api/api-client.ts';
import type { ReadingRow } from '../charts/chart-data.ts';
import { actionPath, type ActionBody, type TicketAction } from './ticket-actions.ts';

/** The household is sent to staff roles only (null for a viewer, or a ticket without a room). */
type TicketWithHistory = Ticket & { timeline: TimelineEntry[]; readings: ReadingRow[]; household?: Household | null };

const sameReadings = (a: readonly ReadingRow[], b: readonly ReadingRow[]) => a.length === b.length && a.at(-1)?.ts === b.at(-1)?.ts;

export class TicketDetailModel {
  ticket = $state.raw<Ticket | null>(null);
  timeline = $state.raw<TimelineEntry[]>([]);
  readings = $state.raw<ReadingRow[]>([]);
  household = $state.raw<Household | null>(null);
  loading = $state(true);
  /** Why the ticket could not be shown (404: no such ticket). */
  error = $state<{ status: number; message: string } | null>(null);
  #abort: AbortController | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The store held it: its disappearing from the store means it was closed elsewhere. */
  #inStore = false;

  constructor(
    private readonly api: ApiClient,
    readonly id: string,
    private readonly debounceMs = 400,
  ) {}

  async load(): Promise<void> {
    clearTimeout(this.#timer);
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    try {
      const { timeline, readings, household, ...ticket } = await this.api.get<TicketWithHistory>(`/api/tickets/${encodeURIComponent(this.id)}`, abort.signal);
      this.household = household ?? null;
      if (!this.ticket || ticket.updatedAt >= this.ticket.updatedAt) this.ticket = ticket;
      this.timeline = timeline;
      // The chart redraws on a new array: keep the old one when nothing was added.
      if (!sameReadings(this.readings, readings)) this.readings = readings;
      this.error = null;
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      this.error = { status: err instanceof ApiError ? err.status : 0, message: (err as Error).message };
    } finally {
      if (this.#abort === abort) this.loading = false;
    }
  }

  /** The store's copy changed (or vanished: closed): show it now, the timeline shortly. */
  follow(live: Ticket | undefined): void {
    if (live === undefined) {
      if (this.#inStore) this.#refetchSoon();
      this.#inStore = false;
      return;
    }
    this.#inStore = true;
    if (this.ticket && live.updatedAt <= this.ticket.updatedAt) return;
    // The first sight is the store's copy, shown while the first load is still on its way.
    const first = this.ticket === null;
    this.ticket = live;
    if (!first) this.#refetchSoon();
  }

  /** Takes a lifecycle step; the server's refusal is thrown as an ApiError for the form to show. */
  async act(action: TicketAction, body: ActionBody): Promise<Ticket> {
    const ticket = await this.api.post<Ticket>(`/api/tickets/${encodeURIComponent(this.id)}/${actionPath(action)}`, body);
    this.ticket = ticket;
    // Closing takes it out of the store: that is this step, not a change made elsewhere.
    this.#inStore = ticket.status !== 'closed';
    void this.load();
    return ticket;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#abort?.abort();
  }

  #refetchSoon(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.load(), this.debounceMs);
  }
}
