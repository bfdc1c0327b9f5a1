/** A ticket's notifications and how their delivery went (staff only: viewers are refused). */
import type { ApiClient } from '../../lib/api/api-client.ts';
import type { Delivery } from './duty-types.ts';

export class TicketDeliveriesModel {
  list = $state.raw<Delivery[] | null>(null);
  error = $state<string | null>(null);
  #abort: AbortController | null = null;

  constructor(
    private readonly api: ApiClient,
    readonly ticketId: string,
  ) {}

  async load(): Promise<void> {
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    try {
      const { deliveries } = await this.api.get<{ deliveries: Delivery[] }>(`/api/tickets/${encodeURIComponent(this.ticketId)}/deliveries`, abort.signal);
      this.list = deliveries;
      this.error = null;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.error = (err as Error).message;
    }
  }

  dispose(): void {
    this.#abort?.abort();
  }
}
