/**
 * The ticket types and statuses the filters and the hotline form offer. Listed here rather than
 * imported from the contracts' zod module, which the dashboard must not bundle; the records make
 * the type checker refuse a type or status added to the contract but forgotten here.
 */
import type { IntakeChannel, TicketStatus, TicketType } from '../../../../ingest/contracts/tickets.ts';

const TYPES: Record<TicketType, true> = {
  pipeline_accident: true,
  substation_fault: true,
  leak: true,
  repair: true,
  heating_quality: true,
  room_temp_low: true,
  temp_drop: true,
  inquiry: true,
  staff_complaint: true,
  suggestion: true,
  sensor_offline: true,
  sensor_calibration: true,
};
export const TICKET_TYPE_OPTIONS = Object.keys(TYPES) as TicketType[];

const STATUSES: Record<TicketStatus, true> = { open: true, acknowledged: true, on_site: true, negotiating: true, resolved: true, callback_done: true, closed: true };
export const TICKET_STATUS_OPTIONS = Object.keys(STATUSES) as TicketStatus[];

/** What a dispatcher may open from a customer's report; the rest only come from the rules and visits (as the API enforces). */
export const HOTLINE_TYPE_OPTIONS = ['pipeline_accident', 'leak', 'repair', 'heating_quality', 'temp_drop', 'inquiry', 'staff_complaint', 'suggestion'] as const satisfies readonly TicketType[];
export type HotlineType = (typeof HOTLINE_TYPE_OPTIONS)[number];

const CHANNELS: Record<IntakeChannel, true> = { phone: true, walk_in: true, visit: true, letter: true, hotline_12345: true, online: true };
/** How a customer's report came in (seed 三); the phone line first, the default. */
export const INTAKE_CHANNEL_OPTIONS = Object.keys(CHANNELS) as IntakeChannel[];
