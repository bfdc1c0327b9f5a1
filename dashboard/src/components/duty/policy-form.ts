/**
 * The policy form, pure: per ticket type "page the engineers" and "call the duty manager after N
 * minutes without an acknowledgement" (empty: never), the reminder as a percentage of the time to
 * the deadline, and the message at the deadline; back to the JSON the API takes.
 */
import type { TicketType } from '../../../../ingest/contracts/tickets.ts';
import type { MessageKey } from '../../lib/i18n/i18n.svelte.ts';
import { TICKET_TYPE_OPTIONS } from '../tickets/ticket-options.ts';
import type { AlertPolicy } from './duty-types.ts';

export interface PolicyDraft {
  types: Record<TicketType, { page: boolean; pageAfterMin: string; escalateAfterMin: string }>;
  remind: boolean;
  remindPercent: string;
  atBreach: boolean;
  /** Remind the duty manager of callbacks, and tell when one is late. */
  callbacks: boolean;
}

export type PolicyErrors = Partial<Record<TicketType | `${TicketType}.hold` | 'remindPercent', MessageKey>>;

/** The API's own limit on an escalation delay (a day). */
const MAX_ESCALATE_MIN = 24 * 60;
/** The API's limit on holding a page. */
const MAX_HOLD_MIN = 120;
const DEFAULT_REMIND_PERCENT = '75';

export function draftFromPolicy(p: AlertPolicy): PolicyDraft {
  const types = {} as PolicyDraft['types'];
  for (const type of TICKET_TYPE_OPTIONS) {
    const tp = p.types[type];
    types[type] = { page: tp?.page ?? false, pageAfterMin: String(tp?.pageAfterMin ?? 0), escalateAfterMin: tp?.escalateAfterMin == null ? '' : String(tp.escalateAfterMin) };
  }
  return {
    types,
    remind: p.remindAtFraction !== null,
    // 0.75 → "75"; rounding hides binary noise like 0.7000000000000001.
    remindPercent: p.remindAtFraction === null ? DEFAULT_REMIND_PERCENT : String(Math.round(p.remindAtFraction * 1000) / 10),
    atBreach: p.atBreach,
    callbacks: p.callbacks,
  };
}

export function policyFromDraft(d: PolicyDraft): { policy: AlertPolicy } | { errors: PolicyErrors } {
  const errors: PolicyErrors = {};
  const types: AlertPolicy['types'] = {};
  for (const type of TICKET_TYPE_OPTIONS) {
    const { page, pageAfterMin, escalateAfterMin } = d.types[type];
    const text = escalateAfterMin.trim();
    const minutes = Number(text);
    if (text !== '' && !(Number.isFinite(minutes) && minutes > 0 && minutes <= MAX_ESCALATE_MIN)) errors[type] = 'duty.policy.error.minutes';
    // The hold: empty is none; the API takes 0–120 minutes.
    const hold = pageAfterMin.trim() === '' ? 0 : Number(pageAfterMin.trim());
    if (!(Number.isFinite(hold) && hold >= 0 && hold <= MAX_HOLD_MIN)) errors[`${type}.hold`] = 'duty.policy.error.hold';
    types[type] = { page, pageAfterMin: hold, escalateAfterMin: text === '' ? null : minutes };
  }
  const percent = Number(d.remindPercent.trim());
  if (d.remind && !(d.remindPercent.trim() !== '' && percent > 0 && percent < 100)) errors.remindPercent = 'duty.policy.error.percent';
  if (Object.keys(errors).length > 0) return { errors };
  return { policy: { types, remindAtFraction: d.remind ? percent / 100 : null, atBreach: d.atBreach, callbacks: d.callbacks } };
}
