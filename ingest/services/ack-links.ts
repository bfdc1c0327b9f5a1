/**
 * Acknowledging a ticket from the message itself (issue 6): a link carrying the ticket, the
 * person it was sent to and an expiry, signed with HMAC-SHA256 under a key that never leaves
 * the server. Anyone holding the link can acknowledge that one ticket as that person until it
 * expires — what a phone in a pocket needs, and nothing more.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readOrCreateKey } from '../security/key-file.ts';

export interface AckClaim {
  ticketId: string;
  /** Who the link was sent to: the actor in the ticket's timeline. */
  person: string;
  expiresAt: number;
}

/** The signing key: from the environment, else kept in the data dir (created once, 0600). */
export function loadAckKey(dataDir: string, fromEnv?: string): Buffer {
  if (fromEnv) return Buffer.from(fromEnv, 'utf8');
  return readOrCreateKey(dataDir, 'ack-link.key');
}

/** `publicUrl`: asked when a link is made (the port is known only after listening). */
export function createAckLinks(key: Buffer, publicUrl: () => string) {
  const sign = (body: string) => createHmac('sha256', key).update(body).digest('base64url');
  const base = () => publicUrl().replace(/\/+$/, '');
  return {
    token(claim: AckClaim): string {
      const body = Buffer.from(JSON.stringify([claim.ticketId, claim.person, claim.expiresAt])).toString('base64url');
      return `${body}.${sign(body)}`;
    },
    url(claim: AckClaim): string {
      return `${base()}/ack/${this.token(claim)}`;
    },
    ticketUrl(ticketId: string): string {
      return `${base()}/#ticket=${encodeURIComponent(ticketId)}`;
    },
    /** The claim, or why the token is refused. */
    verify(token: string, now: number): AckClaim | { refused: 'malformed' | 'bad_signature' | 'expired' } {
      const [body, signature, extra] = token.split('.');
      if (!body || !signature || extra !== undefined) return { refused: 'malformed' };
      const expected = Buffer.from(sign(body));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { refused: 'bad_signature' };
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return { refused: 'malformed' };
      }
      if (!Array.isArray(parsed) || parsed.length !== 3) return { refused: 'malformed' };
      const [ticketId, person, expiresAt] = parsed as [unknown, unknown, unknown];
      if (typeof ticketId !== 'string' || typeof person !== 'string' || typeof expiresAt !== 'number') return { refused: 'malformed' };
      if (now > expiresAt) return { refused: 'expired' };
      return { ticketId, person, expiresAt };
    },
  };
}

export type AckLinks = ReturnType<typeof createAckLinks>;
