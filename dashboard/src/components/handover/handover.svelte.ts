/**
 * 交接班's state: the sheet as it would be produced now, the recent sheets, and the one open;
 * producing and acknowledging. Talks to the API only; the components render.
 */
import type { Handover, HandoverSheet } from '../../../../ingest/contracts/handovers.ts';
import type { ApiClient } from '../../lib/api/api-client.ts';

/** The newest sheet nobody has taken over yet, unless `me` wrote it: the incoming dispatcher's cue. */
export function waitingFor(list: readonly Handover[], me: string | undefined): Handover | null {
  const newest = list[0];
  return newest && newest.acknowledgedAt === null && newest.from.username !== me ? newest : null;
}

/** How many items a sheet hands over, per section (the list's summary). */
export function sheetCounts(s: HandoverSheet): { incidents: number; tickets: number; promises: number; stops: number } {
  return { incidents: s.incidents.length, tickets: s.tickets.length, promises: s.promises.length, stops: s.stops.length };
}

export class HandoverModel {
  draft = $state.raw<HandoverSheet | null>(null);
  list = $state.raw<Handover[]>([]);
  /** The sheet being read: a produced one, or null for the draft. */
  openId = $state<number | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);
  /** The load under way: a live cue may start another, and the older answer must not win. */
  #loading: AbortController | null = null;

  constructor(private readonly api: Pick<ApiClient, 'get' | 'post'>) {}

  get open(): Handover | null {
    return this.list.find((h) => h.id === this.openId) ?? null;
  }

  async load(): Promise<void> {
    this.#loading?.abort();
    const abort = (this.#loading = new AbortController());
    try {
      const [draft, { handovers }] = await Promise.all([
        this.api.get<HandoverSheet>('/api/handovers/draft', abort.signal),
        this.api.get<{ handovers: Handover[] }>('/api/handovers?limit=20', abort.signal),
      ]);
      this.draft = draft;
      this.list = handovers;
      this.error = null;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.error = (err as Error).message;
    }
  }

  async produce(note: string): Promise<boolean> {
    return this.#act(async () => {
      const h = await this.api.post<Handover>('/api/handovers', { note });
      // The live cue of this very sheet may have reloaded the list before the answer came.
      this.list = [h, ...this.list.filter((x) => x.id !== h.id)];
      this.openId = h.id;
    });
  }

  async acknowledge(id: number, note: string): Promise<boolean> {
    return this.#act(async () => {
      const h = await this.api.post<Handover>(`/api/handovers/${id}/acknowledge`, { note });
      this.list = this.list.map((x) => (x.id === id ? h : x));
    });
  }

  async #act(run: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    try {
      await run();
      this.error = null;
      return true;
    } catch (err) {
      this.error = (err as Error).message;
      // Someone else may have taken it over meanwhile: show the sheet as it is now.
      await this.load();
      return false;
    } finally {
      this.busy = false;
    }
  }

  close(): void {
    this.#loading?.abort();
  }
}

/**
 * The top bar's cue that a sheet waits to be taken over: asked at sign-in, when the live hub
 * says a sheet was produced or taken over, when this browser did, and every minute (a cue missed
 * while the link was down). Dispatch roles only (they take shifts over).
 */
export class HandoverCue {
  waiting = $state.raw<Handover | null>(null);
  /** Live cues seen: an open 交接班 page reloads on each. */
  changes = $state(0);
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly api: Pick<ApiClient, 'get'>,
    private readonly me: () => string | undefined,
  ) {}

  async refresh(): Promise<void> {
    try {
      const { handovers } = await this.api.get<{ handovers: Handover[] }>('/api/handovers?limit=1');
      this.waiting = waitingFor(handovers, this.me());
    } catch {
      // A missed look is taken again in a minute.
    }
  }

  /** The live hub's cue: a sheet was produced or taken over, here or elsewhere. */
  changed(): void {
    this.changes += 1;
    void this.refresh();
  }

  start(everyMs = 60_000): void {
    this.stop();
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), everyMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.waiting = null;
  }
}
