/**
 * What another service may do to a ticket: add a line to its timeline (a page sent, a delivery
 * failed). Alerting writes through this and nothing else; the ticket service implements it and
 * pushes the change live.
 */
export interface TicketTimeline {
  note(id: string, actor: string, action: string, note: string): void;
}
