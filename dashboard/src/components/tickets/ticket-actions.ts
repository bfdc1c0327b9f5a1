/**
 * The lifecycle steps the detail offers, pure: which ones the status and the role allow (the
 * server's rule mirrored so buttons that would only be refused are not shown; the server still
 * decides and its refusal is shown), and the body each sends.
 */
import type { Ticket } from '../../../../ingest/contracts/tickets.ts';
import type { MessageKey } from '../../lib/i18n/i18n.svelte.ts';

export const TICKET_ACTIONS = ['acknowledge', 'on_site', 'resolve', 'callback', 'close'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** URL segment of each step: POST /api/tickets/:id/<segment>. */
export const ACTION_PATH: Record<TicketAction, string> = {
  acknowledge: 'acknowledge',
  on_site: 'on-site',
  resolve: 'resolve',
  callback: 'callback',
  close: 'close',
};

export interface Permissions {
  /** Not a viewer. */
  canAct: boolean;
  /** Admin or dispatcher: callbacks and closing. */
  canDispatch: boolean;
}

/** A maintenance ticket has no customer to call back, so it closes straight from resolved. */
export const closesWithoutCallback = (t: Pick<Ticket, 'type'>): boolean => t.type === 'sensor_offline';

export function availableActions(t: Pick<Ticket, 'status' | 'type'>, who: Permissions): TicketAction[] {
  if (!who.canAct) return [];
  switch (t.status) {
    case 'open':
      return ['acknowledge'];
    case 'acknowledged':
      // Not every problem needs a visit (a sensor, a question): resolving directly is allowed.
      return ['on_site', 'resolve'];
    case 'on_site':
      return ['resolve'];
    case 'resolved':
      if (!who.canDispatch) return [];
      return closesWithoutCallback(t) ? ['callback', 'close'] : ['callback'];
    case 'callback_done':
      return who.canDispatch ? ['close'] : [];
    case 'closed':
      return [];
  }
}

export interface ActionInput {
  note: string;
  cause: string;
  /** An inquiry that needs a full answer within 5 days. */
  complex: boolean;
}

export type ActionBody = { note?: string; cause?: string; complex?: true };

/** The request body, or the message key of what is missing before it can be sent. */
export function actionBody(action: TicketAction, t: Pick<Ticket, 'type'>, input: ActionInput): { body: ActionBody } | { missing: MessageKey } {
  const body: ActionBody = {};
  const note = input.note.trim();
  if (note) body.note = note;
  if (action === 'resolve') {
    const cause = input.cause.trim();
    if (!cause) return { missing: 'ticket.action.causeRequired' };
    body.cause = cause;
  }
  if (action === 'acknowledge' && t.type === 'inquiry' && input.complex) body.complex = true;
  return { body };
}
