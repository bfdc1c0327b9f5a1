/**
 * The ticket types and statuses the filters and the hotline form offer. Listed here rather than
 * imported from the contracts' zod module, which the dashboard must not bundle; the records make
 * the type checker refuse a type or status added to the contract but forgotten here.
 */
import type { TicketStatus, TicketType } from '../../../../ingest/contracts/tickets.ts';

const TYPES: Record<TicketType, true> = {
  pipeline_accident: true,
  leak: true,
  repair: true,
  heating_quality: true,
  room_temp_low: true,
  temp_drop: true,
  inquiry: true,
  sensor_offline: true,
};
export const TICKET_TYPE_OPTIONS = Object.keys(TYPES) as TicketType[];

const STATUSES: Record<TicketStatus, true> = { open: true, acknowledged: true, on_site: true, resolved: true, callback_done: true, closed: true };
export const TICKET_STATUS_OPTIONS = Object.keys(STATUSES) as TicketStatus[];

/** What a dispatcher may open from a 5316206 call; the rest only come from the rules (as the API enforces). */
export const HOTLINE_TYPE_OPTIONS = ['pipeline_accident', 'leak', 'repair', 'heating_quality', 'temp_drop', 'inquiry'] as const satisfies readonly TicketType[];
export type HotlineType = (typeof HOTLINE_TYPE_OPTIONS)[number];
