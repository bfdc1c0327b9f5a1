/**
 * A visit's form kept on the phone, pure (a slow connection in a stairwell): the form is kept in
 * the browser's storage as it is typed, per visit; a send that did not arrive (no network, the
 * server failing) stays kept and is sent again; one the server refused (400) stays for the
 * engineer to correct, not resent; one that arrived — or was recorded already (409) — is cleared.
 * The storage and the sending are passed in: no DOM, no timer here.
 */
import { formBody, type FormDraft } from './visit-form.ts';

export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const PREFIX = 'heatwatch.visit-form.';

export interface KeptForm {
  visitId: string;
  draft: FormDraft;
  /** Sent, and not yet arrived: it is sent again. */
  pending: boolean;
  /** When the engineer first sent it: the visit's time (the sensors are read beside it then). */
  sentAt: number | null;
}

/** What a send came to: arrived, recorded already (409), kept to send again, refused as it is. */
export type SendOutcome = 'sent' | 'already' | 'kept' | 'refused';

/** No answer (status 0), the server failing (5xx), a timeout or a busy server: the form is fine, the way is not. */
export function outcomeOf(err: unknown): SendOutcome {
  const status = (err as { status?: unknown } | null)?.status;
  if (status === 409) return 'already';
  if (typeof status !== 'number' || status === 0 || status >= 500 || status === 408 || status === 429) return 'kept';
  return 'refused';
}

const isDraft = (d: unknown): d is FormDraft => {
  const x = d as FormDraft | null;
  return typeof x === 'object' && x !== null && Array.isArray(x.rooms) && typeof x.refused === 'boolean' && (x.signature === null || typeof x.signature === 'string');
};

/** The kept form of a visit, or null (none, or not one this version understands). */
export function readKept(storage: DraftStorage, visitId: string): KeptForm | null {
  try {
    const raw = JSON.parse(storage.getItem(PREFIX + visitId) ?? 'null') as KeptForm | null;
    return raw && raw.visitId === visitId && isDraft(raw.draft) ? { visitId, draft: raw.draft, pending: raw.pending === true, sentAt: typeof raw.sentAt === 'number' ? raw.sentAt : null } : null;
  } catch {
    return null;
  }
}

/** False when the storage would not take it (full, or private browsing): then it is not kept. */
function write(storage: DraftStorage, kept: KeptForm): boolean {
  try {
    storage.setItem(PREFIX + kept.visitId, JSON.stringify(kept));
    return true;
  } catch {
    return false;
  }
}

/** Keeps the form as typed; a send still waiting stays waiting. */
export function keepDraft(storage: DraftStorage, visitId: string, draft: FormDraft): boolean {
  const was = readKept(storage, visitId);
  return write(storage, { visitId, draft, pending: was?.pending ?? false, sentAt: was?.sentAt ?? null });
}

export function forget(storage: DraftStorage, visitId: string): void {
  storage.removeItem(PREFIX + visitId);
}

/** Every kept form waiting to be sent again. */
export function pendingForms(storage: DraftStorage): KeptForm[] {
  const ids: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(PREFIX)) ids.push(key.slice(PREFIX.length));
  }
  return ids.flatMap((id) => readKept(storage, id) ?? []).filter((k) => k.pending);
}

/** The body a kept form sends; a resend says when the visit was (it arrives later than it happened). */
export function bodyOf(kept: KeptForm): ReturnType<typeof formBody> {
  const r = formBody(kept.draft);
  return 'body' in r && kept.pending && kept.sentAt !== null ? { body: { ...r.body, at: new Date(kept.sentAt).toISOString() } } : r;
}

/** After a send: cleared when it arrived or was there already; waiting when it did not arrive; kept as typed when refused. */
export function settle(storage: DraftStorage, visitId: string, outcome: SendOutcome, now: number): void {
  if (outcome === 'sent' || outcome === 'already') return forget(storage, visitId);
  const kept = readKept(storage, visitId);
  if (!kept) return;
  // Refused: corrected and sent by hand, at the server's time (a phone's clock may be off).
  void write(storage, outcome === 'kept' ? { ...kept, pending: true, sentAt: kept.sentAt ?? now } : { ...kept, pending: false, sentAt: null });
}

export interface SendResult<T> {
  outcome: SendOutcome;
  /** The server's answer when it arrived. */
  answer?: T;
  /** Why it did not: the error thrown, or the form's own problem (a message key). */
  error?: unknown;
}

/**
 * Sends a visit's kept form (kept first when `draft` is given) and settles it. `send` posts the
 * body and throws what the API client throws (`status` 0 without an answer).
 */
export async function sendKept<T>(storage: DraftStorage, visitId: string, now: number, send: (visitId: string, body: object) => Promise<T>, draft?: FormDraft): Promise<SendResult<T>> {
  if (draft) keepDraft(storage, visitId, draft);
  // A storage that takes nothing (full, private browsing) still lets the form be sent once.
  const kept = readKept(storage, visitId) ?? (draft ? { visitId, draft, pending: false, sentAt: null } : null);
  // Nothing kept, nothing given: sent meanwhile (by another tab, or the timer).
  if (!kept) return { outcome: 'already' };
  const r = bodyOf(kept);
  if ('error' in r) {
    settle(storage, visitId, 'refused', now);
    return { outcome: 'refused', error: r.error };
  }
  try {
    const answer = await send(visitId, r.body);
    settle(storage, visitId, 'sent', now);
    return { outcome: 'sent', answer };
  } catch (error) {
    const outcome = outcomeOf(error);
    settle(storage, visitId, outcome, now);
    return { outcome, error };
  }
}

/** Sends every waiting form again, one after another; what each came to. */
export async function resendPending<T>(storage: DraftStorage, now: number, send: (visitId: string, body: object) => Promise<T>): Promise<(SendResult<T> & { visitId: string })[]> {
  const results: (SendResult<T> & { visitId: string })[] = [];
  for (const kept of pendingForms(storage)) results.push({ visitId: kept.visitId, ...(await sendKept(storage, kept.visitId, now, send)) });
  return results;
}
