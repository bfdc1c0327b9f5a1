/**
 * 停热管理's data: the stops with their notices' counts (asked again every 10 s while the panel
 * is open: notices go out in the background), and what dispatch does to them. The server
 * decides; its refusal is shown as it says it.
 */
import type { NoticeDeliveryView, OutageView } from '../../../../ingest/contracts/outages.ts';
import type { ApiClient } from '../../lib/api/api-client.ts';
import type { StopBody } from './outage-form.ts';

const REFRESH_MS = 10_000;

export class OutageModel {
  outages = $state.raw<OutageView[]>([]);
  customerChannels = $state<number | null>(null);
  loaded = $state(false);
  error = $state<string | null>(null);
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #pending = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly api: ApiClient) {}

  /** Most pressing first: heat off now, then coming, then the rest by when they began. */
  get sorted(): OutageView[] {
    const rank = { active: 0, scheduled: 1, ended: 2, cancelled: 3 } as const;
    return [...this.outages].sort((a, b) => rank[a.status] - rank[b.status] || (a.status === 'scheduled' ? a.startsAt.localeCompare(b.startsAt) : b.startsAt.localeCompare(a.startsAt)));
  }

  async load(): Promise<void> {
    try {
      const r = await this.api.get<{ outages: OutageView[]; customerChannels: number }>('/api/outages');
      this.outages = r.outages;
      this.customerChannels = r.customerChannels;
      this.error = null;
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.loaded = true;
    }
  }

  start(): void {
    void this.load();
    this.#timer = setInterval(() => void this.load(), REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const t of this.#pending) clearTimeout(t);
    this.#pending.clear();
  }

  /** Shows the stop as the server answered, and asks again soon: its notices go out meanwhile. */
  #replace(o: OutageView): OutageView {
    this.outages = [...this.outages.filter((x) => x.id !== o.id), o];
    this.#soon();
    return o;
  }

  #soon(): void {
    for (const ms of [1_500, 5_000]) {
      const t = setTimeout(() => (this.#pending.delete(t), void this.load()), ms);
      this.#pending.add(t);
    }
  }

  async register(body: StopBody): Promise<OutageView> {
    return this.#replace(await this.api.post<OutageView>('/api/outages', body));
  }

  async change(id: number, endsAt: string): Promise<OutageView> {
    return this.#replace(await this.api.post<OutageView>(`/api/outages/${id}/change`, { endsAt }));
  }

  async end(id: number): Promise<OutageView> {
    return this.#replace(await this.api.post<OutageView>(`/api/outages/${id}/end`, {}));
  }

  async cancel(id: number): Promise<OutageView> {
    return this.#replace(await this.api.post<OutageView>(`/api/outages/${id}/cancel`, {}));
  }

  async deliveries(id: number): Promise<NoticeDeliveryView[]> {
    return (await this.api.get<{ notices: NoticeDeliveryView[] }>(`/api/outages/${id}/notices`)).notices;
  }

  async retry(id: number): Promise<number> {
    const { retried } = await this.api.post<{ retried: number }>(`/api/outages/${id}/notices/retry`, {});
    await this.load();
    this.#soon();
    return retried;
  }

  /** How many households a substation's stop would reach. */
  async householdsOf(substationId: string): Promise<number> {
    return (await this.api.get<{ total: number }>(`/api/households?substationId=${encodeURIComponent(substationId)}&limit=1`)).total;
  }
}
