/**
 * The visit forms kept on this phone (visit-outbox.ts), sent again while the page is open: when
 * the browser says it is back `online`, and every 30 s. One per page, started once signed in;
 * the forms and the lists read what happened from here.
 */
import type { Visit } from '../../../../ingest/contracts/visits.ts';
import type { ApiClient } from '../../lib/api/api-client.ts';
import type { FormDraft } from './visit-form.ts';
import { keepDraft, readKept, resendPending, sendKept, type DraftStorage, type KeptForm, type SendResult } from './visit-outbox.ts';

export const RESEND_EVERY_MS = 30_000;

export class VisitOutbox {
  /** Per visit, what its last send came to (the form says it); none before a send. */
  last = $state<Record<string, SendResult<Visit>['outcome'] | 'sending'>>({});
  /** Bumped each time a kept form arrives: the lists showing visits ask again. */
  delivered = $state(0);
  #timer: ReturnType<typeof setInterval> | undefined;
  #resending = false;
  readonly #onOnline = () => void this.resend();

  constructor(
    private readonly api: Pick<ApiClient, 'post'>,
    private readonly storage: DraftStorage | null = globalThis.localStorage ?? null,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** Sends what an earlier visit of the page left waiting, then again on `online` and every 30 s. */
  start(everyMs = RESEND_EVERY_MS): void {
    if (this.#timer) return;
    globalThis.addEventListener?.('online', this.#onOnline);
    this.#timer = setInterval(this.#onOnline, everyMs);
    void this.resend();
  }

  stop(): void {
    globalThis.removeEventListener?.('online', this.#onOnline);
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  kept(visitId: string): KeptForm | null {
    return this.storage ? readKept(this.storage, visitId) : null;
  }

  keep(visitId: string, draft: FormDraft): void {
    if (this.storage) keepDraft(this.storage, visitId, draft);
  }

  /** The engineer sends the form (or sends it again). */
  async send(visitId: string, draft: FormDraft): Promise<SendResult<Visit>> {
    this.last = { ...this.last, [visitId]: 'sending' };
    const r = await sendKept(this.storage ?? NO_STORAGE, visitId, this.clock(), this.#post, draft);
    this.#note(visitId, r.outcome);
    return r;
  }

  /** Every waiting form, once; a send already under way is not doubled. */
  async resend(): Promise<void> {
    if (!this.storage || this.#resending) return;
    this.#resending = true;
    try {
      for (const r of await resendPending(this.storage, this.clock(), this.#post)) this.#note(r.visitId, r.outcome);
    } finally {
      this.#resending = false;
    }
  }

  #post = (visitId: string, body: object) => this.api.post<Visit>(`/api/visits/${encodeURIComponent(visitId)}/complete`, body);

  #note(visitId: string, outcome: SendResult<Visit>['outcome']): void {
    this.last = { ...this.last, [visitId]: outcome };
    if (outcome === 'sent' || outcome === 'already') this.delivered += 1;
  }
}

/** Without a storage (none in this browser), a form is sent once and kept nowhere. */
const NO_STORAGE: DraftStorage = { length: 0, key: () => null, getItem: () => null, setItem: () => undefined, removeItem: () => undefined };
