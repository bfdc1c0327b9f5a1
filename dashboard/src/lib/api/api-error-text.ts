/**
 * A refusal of the API in the reader's language. The server answers with a stable code and an
 * English message (for logs, curl and scripts); the dashboard says the code's meaning in Chinese,
 * keeping the server's specifics (which field, which ticket) only where they tell the reader
 * something the code does not — and a channel's failure in words (delivery-errors).
 */
import { ERRORS } from '../../../../ingest/errors.ts';
import { deliveryErrorText } from '../facts/delivery-errors.ts';
import type { Words } from '../facts/describe-facts.ts';
import type { MessageKey } from '../i18n/i18n.svelte.ts';

/** The refusals a dashboard user can meet; HW_UNREACHABLE is the client's own (no answer at all). */
const SAID = new Set([
  'HW_BAD_REQUEST', 'HW_UNKNOWN_SUBSTATION', 'HW_SECRET_REQUIRED', 'HW_WEAK_PASSWORD', 'HW_UNAUTHENTICATED', 'HW_BAD_CREDENTIALS',
  'HW_FORBIDDEN', 'HW_ACCOUNT_DISABLED', 'HW_NOT_FOUND', 'HW_DEVICE_EXISTS', 'HW_USER_EXISTS', 'HW_HOUSEHOLD_EXISTS', 'HW_TICKET_STEP',
  'HW_CONFLICT', 'HW_PAYLOAD_TOO_LARGE', 'HW_RATE_LIMITED', 'HW_ACCOUNT_LOCKED', 'HW_INTERNAL', 'HW_CHANNEL_FAILED', 'HW_UNREACHABLE',
]);
/** Codes whose server message adds to what the code says: it is kept after the sentence. */
const WITH_DETAIL = new Set(['HW_BAD_REQUEST', 'HW_NOT_FOUND', 'HW_CONFLICT', 'HW_CHANNEL_FAILED', 'HW_WEAK_PASSWORD']);

export function apiErrorText(w: Pick<Words, 't'>, code: string, message: string): string {
  if (!SAID.has(code)) return message; // a code this dashboard does not know
  const sentence = w.t(`apiError.${code}` as MessageKey);
  const generic = (ERRORS as Record<string, { message: string } | undefined>)[code]?.message;
  if (!WITH_DETAIL.has(code) || !message || message === generic) return sentence;
  const detail = code === 'HW_CHANNEL_FAILED' ? deliveryErrorText(w, message) : message;
  return w.t('apiError.withDetail', { sentence, detail });
}
