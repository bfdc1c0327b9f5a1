/**
 * The lifecycle steps the detail offers: the server's own contract (contracts/ticket-lifecycle.ts)
 * applied to the status and the role, so buttons that would only be refused are not shown (the
 * server still decides and its refusal is shown), and the body each sends.
 */
import { availableSteps, closesWithoutCallback, STEP_RULES, type Step } from '../../../../ingest/contracts/ticket-lifecycle.ts';
import { PHONE_PATTERN, type Satisfaction, type Ticket } from '../../../../ingest/contracts/tickets.ts';
import type { Role } from '../../../../ingest/contracts/users.ts';
import type { MessageKey } from '../../lib/i18n/i18n.svelte.ts';

export type TicketAction = Step;

/** POST /api/tickets/:id/<path>. */
export const actionPath = (action: TicketAction): string => STEP_RULES[action].path;

export function availableActions(t: Pick<Ticket, 'status' | 'type'> & Partial<Pick<Ticket, 'rule' | 'milestone' | 'diagnosedAt'>>, role: Role | null): TicketAction[] {
  return role ? availableSteps(t, role) : [];
}

/** A resolved customer ticket the role could call back, still waiting for it (the hint under the buttons). */
export function waitsForCallback(t: Pick<Ticket, 'status' | 'type'> & Partial<Pick<Ticket, 'rule'>>, role: Role | null): boolean {
  return role !== null && STEP_RULES.callback.roles.includes(role) && t.status === 'resolved' && !closesWithoutCallback(t);
}

export interface ActionInput {
  note: string;
  cause: string;
  /** Finding the cause: what the customer was told of it. */
  explanation: string;
  /** Negotiation: the department that settles it with the customer. */
  department: string;
  /** Resolution: the building or the customer's installation found to be the cause ('' for none). */
  exemption?: FoundExemption | '';
  /** An inquiry that needs a full answer within 5 days. */
  complex: boolean;
  /** The callback: what the customer said, and the number called. */
  satisfaction: Satisfaction | null;
  calledNumber: string;
}

export type ActionBody = { note?: string; cause?: string; explanation?: string; department?: string; exemption?: FoundExemption; complex?: true; satisfaction?: Satisfaction; calledNumber?: string };
export type FoundExemption = 'building_envelope' | 'customer_installation';
export const FOUND_EXEMPTION_OPTIONS: readonly FoundExemption[] = ['building_envelope', 'customer_installation'];

/** A room's temperature ticket, resolved: the engineer may record that the building or the customer's installation was the cause. */
export const mayRecordExemption = (t: Pick<Ticket, 'type' | 'deviceId'>): boolean => ['room_temp_low', 'temp_drop', 'heating_quality'].includes(t.type) && t.deviceId !== null;

/** The number to call, from the ticket's contact ("李女士 139 0000 0002" → "13900000002"), or ''. */
export function numberToCall(contact: string | null): string {
  const match = contact?.match(/\+?\d[\d -]{4,22}\d/);
  return match ? match[0].replace(/ /g, '') : '';
}

/** The request body, or the message key of what is missing before it can be sent. */
export function actionBody(action: TicketAction, t: Pick<Ticket, 'type'> & Partial<Pick<Ticket, 'cause'>>, input: ActionInput): { body: ActionBody } | { missing: MessageKey } {
  const body: ActionBody = {};
  const note = input.note.trim();
  if (note) body.note = note;
  if (action === 'resolve' || action === 'diagnose') {
    const cause = input.cause.trim();
    // Resolving a ticket whose cause was found already: the cause stands unless written anew.
    if (!cause && !(action === 'resolve' && t.cause)) return { missing: 'ticket.action.causeRequired' };
    if (cause) body.cause = cause;
  }
  if (action === 'resolve' && input.exemption) body.exemption = input.exemption;
  if (action === 'diagnose') {
    const explanation = input.explanation.trim();
    if (!explanation) return { missing: 'ticket.action.explanationRequired' };
    body.explanation = explanation;
  }
  if (action === 'negotiate') {
    const department = input.department.trim();
    if (!department) return { missing: 'ticket.action.departmentRequired' };
    body.department = department;
  }
  if (action === 'acknowledge' && t.type === 'inquiry' && input.complex) body.complex = true;
  if (action === 'callback') {
    if (input.satisfaction === null) return { missing: 'ticket.callback.satisfactionRequired' };
    const number = input.calledNumber.trim();
    if (!PHONE_PATTERN.test(number)) return { missing: 'ticket.callback.numberRequired' };
    Object.assign(body, { satisfaction: input.satisfaction, calledNumber: number });
  }
  return { body };
}
