/**
 * The queue's filter and, for a filter the store cannot answer (closed tickets), the list the API
 * returned. The filter and the folded groups outlive the queue component, which is unmounted while
 * a ticket is open: the dispatcher comes back to the view they left.
 */
import type { Ticket } from '../../../../ingest/contracts/tickets.ts';
import type { ApiClient } from '../../lib/api/api-client.ts';
import { byUrgency, type TicketFilter, type TicketStore } from '../../state/tickets.svelte.ts';
import { DEFAULT_FILTER, needsServer, queryPath } from './queue-rows.ts';

let lastFilter: TicketFilter = { ...DEFAULT_FILTER };
let lastExpanded: ReadonlySet<string> = new Set();
let lastView: QueueView = 'tickets';

/** The work queue, or the customers to call back. */
export type QueueView = 'tickets' | 'callbacks' | 'mine';

/** A burst of live changes (a correlation links fifty tickets) refetches the closed list once. */
const REFETCH_DEBOUNCE_MS = 1000;

export class TicketQueueModel {
  filter = $state<TicketFilter>({ ...lastFilter });
  #view = $state<QueueView>(lastView);
  /** Tickets from the API while the filter needs them; null: the store answers. */
  fetched = $state.raw<Ticket[] | null>(null);
  /** Substation incidents whose room tickets are shown (the others are one row each). */
  expanded = $state.raw<ReadonlySet<string>>(lastExpanded);
  loading = $state(false);
  error = $state<string | null>(null);
  #abort: AbortController | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: ApiClient) {}

  get view(): QueueView {
    return this.#view;
  }
  set view(v: QueueView) {
    this.#view = lastView = v;
  }

  /** The tickets the filter selects, most urgent first. */
  list(store: TicketStore): Ticket[] {
    return this.fetched ?? store.list(this.filter);
  }

  /** The filter changed: remember it, and fetch what the store does not hold. */
  async refresh(): Promise<void> {
    lastFilter = { ...this.filter };
    clearTimeout(this.#timer);
    this.#abort?.abort();
    this.error = null;
    if (!needsServer(this.filter)) {
      this.fetched = null;
      this.loading = false;
      return;
    }
    const abort = (this.#abort = new AbortController());
    this.loading = true;
    try {
      const { tickets } = await this.api.get<{ tickets: Ticket[] }>(queryPath(this.filter), abort.signal);
      this.fetched = tickets.sort(byUrgency);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.error = (err as Error).message;
    } finally {
      if (this.#abort === abort) this.loading = false;
    }
  }

  toggle(parentId: string): void {
    const next = new Set(this.expanded);
    if (!next.delete(parentId)) next.add(parentId);
    this.expanded = lastExpanded = next;
  }

  /** A ticket changed live: a fetched list may now miss a ticket that was just closed. */
  noteLiveChange(): void {
    if (!needsServer(this.filter)) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.refresh(), REFETCH_DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#abort?.abort();
  }
}
