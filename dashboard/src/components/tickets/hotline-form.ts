/**
 * The hotline form's rules, pure: what must be filled in before a call becomes a ticket, and the
 * body sent. Empty optional fields are left out: the server fills the address from the device.
 */
import type { MessageKey } from '../../lib/i18n/i18n.svelte.ts';
import type { IntakeChannel } from '../../../../ingest/contracts/tickets.ts';
import { HOTLINE_TYPE_OPTIONS, type HotlineType } from './ticket-options.ts';

/** Device ids as the MQTT topics allow them (DESIGN.md §5). */
export const DEVICE_ID_FORMAT = /^[A-Za-z0-9_-]{1,64}$/;

export interface HotlineDraft {
  type: HotlineType | '';
  description: string;
  address: string;
  contact: string;
  deviceId: string;
  /** How it came in (seed 三): the 5316206 phone line unless chosen. */
  channel: IntakeChannel;
  /** A complaint about staff: the roster team it is about ('' when unknown). */
  accusedTeam: string;
}

export const emptyDraft = (): HotlineDraft => ({ type: '', description: '', address: '', contact: '', deviceId: '', channel: 'phone', accusedTeam: '' });

export interface HotlineBody {
  type: HotlineType;
  description: string;
  address?: string;
  contact?: string;
  deviceId?: string;
  channel: IntakeChannel;
  accusedTeam?: string;
}

export type HotlineErrors = Partial<Record<'type' | 'description' | 'deviceId', MessageKey>>;

const isHotlineType = (v: string): v is HotlineType => (HOTLINE_TYPE_OPTIONS as readonly string[]).includes(v);

export function validateHotline(d: HotlineDraft): { body: HotlineBody } | { errors: HotlineErrors } {
  const errors: HotlineErrors = {};
  const description = d.description.trim();
  const deviceId = d.deviceId.trim();
  if (!isHotlineType(d.type)) errors.type = 'hotline.error.type';
  if (!description) errors.description = 'hotline.error.description';
  if (deviceId && !DEVICE_ID_FORMAT.test(deviceId)) errors.deviceId = 'hotline.error.deviceFormat';
  if (!isHotlineType(d.type) || Object.keys(errors).length > 0) return { errors };
  const body: HotlineBody = { type: d.type, description, channel: d.channel };
  const address = d.address.trim();
  const contact = d.contact.trim();
  if (address) body.address = address;
  if (contact) body.contact = contact;
  if (deviceId) body.deviceId = deviceId;
  // Only a complaint about staff names a team (the server refuses it on any other type).
  if (d.type === 'staff_complaint' && d.accusedTeam) body.accusedTeam = d.accusedTeam;
  return { body };
}
