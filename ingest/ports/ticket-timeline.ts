/**
 * What another service may do to a ticket: add a line to its timeline (a page sent, a delivery
 * failed), as facts. Alerting writes through this and nothing else; the ticket service
 * implements it and pushes the change live.
 */
import type { TimelineData } from '../contracts/tickets.ts';

export interface TicketTimeline {
  record(id: string, actor: string, action: string, data: TimelineData): Promise<void>;
}
