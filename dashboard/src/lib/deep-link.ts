/** `#ticket=T-000123`: the ticket a notification's link points at (ack-links.ts writes it). */
export function ticketFromHash(hash: string): string | null {
  const id = new URLSearchParams(hash.replace(/^#/, '')).get('ticket');
  return id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}
