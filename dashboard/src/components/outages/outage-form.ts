/**
 * The stop form, pure: the times a dispatcher types are Beijing time whatever the browser's zone,
 * what is missing or wrong before anything is sent, and the 24 h warning before saving a planned
 * stop its customers can no longer hear of a day ahead (服务承诺 二.1(3)).
 */
import { BEIJING_UTC_OFFSET_MS, DAY_MS } from '../../../../ingest/contracts/beijing-time.ts';
import type { OutageKind } from '../../../../ingest/contracts/outages.ts';
import type { MessageKey } from '../../lib/i18n/i18n.svelte.ts';

export interface StopDraft {
  substationId: string;
  kind: OutageKind;
  /** `YYYY-MM-DDTHH:mm` as typed in a datetime-local field, meant as Beijing time. */
  startsAt: string;
  endsAt: string;
  reason: string;
  areas: string;
}

export type StopBody = { substationId: string; kind: OutageKind; startsAt: string; endsAt?: string; reason: string; areas?: string };

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** A datetime-local value as the instant it means in Beijing time, or null. */
export function beijingInstant(local: string): number | null {
  if (!LOCAL.test(local)) return null;
  const ms = Date.parse(`${local}:00+08:00`);
  return Number.isNaN(ms) ? null : ms;
}

/** An instant as a datetime-local value in Beijing time. */
export function beijingInput(ms: number): string {
  return new Date(ms + BEIJING_UTC_OFFSET_MS).toISOString().slice(0, 16);
}

export function emptyDraft(now: number): StopDraft {
  // Tomorrow, a little after now, on the hour: the common case is a stop planned a day ahead.
  const start = Math.ceil((now + DAY_MS + 3_600_000) / 3_600_000) * 3_600_000;
  return { substationId: '', kind: 'planned', startsAt: beijingInput(start), endsAt: beijingInput(start + 8 * 3_600_000), reason: '', areas: '' };
}

export type StopErrors = Partial<Record<'substationId' | 'startsAt' | 'endsAt' | 'reason', MessageKey>>;

/** The request body, or what is wrong with the draft. */
export function stopBody(d: StopDraft): { body: StopBody } | { errors: StopErrors } {
  const errors: StopErrors = {};
  if (!d.substationId) errors.substationId = 'outage.error.substation';
  const start = beijingInstant(d.startsAt);
  if (start === null) errors.startsAt = 'outage.error.time';
  const end = d.endsAt.trim() === '' ? null : beijingInstant(d.endsAt);
  if (d.endsAt.trim() !== '' && end === null) errors.endsAt = 'outage.error.time';
  else if (end === null && d.kind === 'planned') errors.endsAt = 'outage.error.plannedEnd';
  else if (end !== null && start !== null && end <= start) errors.endsAt = 'outage.error.endBeforeStart';
  if (!d.reason.trim()) errors.reason = 'outage.error.reason';
  if (Object.keys(errors).length > 0) return { errors };
  const body: StopBody = { substationId: d.substationId, kind: d.kind, startsAt: new Date(start!).toISOString(), reason: d.reason.trim() };
  if (end !== null) body.endsAt = new Date(end).toISOString();
  if (d.areas.trim()) body.areas = d.areas.trim();
  return { body };
}

/** A planned stop starting within 24 h: its notice will be late, whatever is done now. */
export function noticeWillBeLate(d: Pick<StopDraft, 'kind' | 'startsAt'>, now: number): boolean {
  const start = beijingInstant(d.startsAt);
  return d.kind === 'planned' && start !== null && start - now < DAY_MS;
}
