/**
 * Who is on duty now: the board of every team, and "who gets paged for substation X". Both are
 * fetched again every minute while shown, since shifts change on the hour and at odd minutes.
 */
import type { ApiClient } from '../../lib/api/api-client.ts';
import type { DutyBoard, OnDuty } from './duty-types.ts';

const REFRESH_MS = 60_000;

export class DutyBoardModel {
  board = $state.raw<DutyBoard | null>(null);
  error = $state<string | null>(null);
  /** The substation looked up ('' = none), and who is paged for it. */
  substationId = $state('');
  onDuty = $state.raw<OnDuty | null>(null);
  lookupError = $state<string | null>(null);
  #abort: AbortController | null = null;
  #lookupAbort: AbortController | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly refreshMs = REFRESH_MS,
  ) {}

  start(): void {
    void this.load();
    this.#timer ??= setInterval(() => {
      void this.load();
      if (this.substationId) void this.lookUp(this.substationId);
    }, this.refreshMs);
  }

  async load(): Promise<void> {
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    try {
      this.board = await this.api.get<DutyBoard>('/api/alerting/duty-board', abort.signal);
      this.error = null;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.error = (err as Error).message;
    }
  }

  async lookUp(substationId: string): Promise<void> {
    this.substationId = substationId;
    this.#lookupAbort?.abort();
    this.lookupError = null;
    if (!substationId) {
      this.onDuty = null;
      return;
    }
    const abort = (this.#lookupAbort = new AbortController());
    try {
      this.onDuty = await this.api.get<OnDuty>(`/api/alerting/on-duty?substationId=${encodeURIComponent(substationId)}`, abort.signal);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.lookupError = (err as Error).message;
    }
  }

  dispose(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#abort?.abort();
    this.#lookupAbort?.abort();
  }
}
