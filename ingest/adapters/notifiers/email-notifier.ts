/**
 * E-mail through an SMTP server (the company's relay or a mailbox provider) with nodemailer.
 * Subject = title; plain-text body with the links, and an HTML alternative whose links are
 * buttons. Recipients without an address are skipped: the alerting service sends everyone the
 * same message and lets each channel reach whom it can.
 */
import { createTransport } from 'nodemailer';
import { z } from 'zod';
import { DeliveryError, type Notifier, type OutboundMessage } from '../../ports/notifier.ts';
import { REDACTED, timeoutMs } from './config-fields.ts';
import { describeAnswer } from './http-delivery.ts';
import { forRecipient, LABELS, linkLines } from './message-layout.ts';

const mailbox = /^[^\s@<>]+@[^\s@<>]+$/;

export const emailConfigSchema = z
  .strictObject({
    type: z.literal('email'),
    host: z.string().min(1, 'the SMTP server host name'),
    port: z.number().int().min(1).max(65535),
    /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it (587, 25). */
    secure: z.boolean().default(false),
    user: z.string().min(1).optional(),
    pass: z.string().min(1).optional(),
    from: z
      .string()
      .refine((v) => mailbox.test(v) || /<[^\s@<>]+@[^\s@<>]+>$/.test(v), 'an address, or "Name <address>"'),
    /** Never upgrade to TLS: only for a relay on a trusted network, and for tests. */
    ignoreTLS: z.boolean().default(false),
    timeoutMs,
  })
  .refine((c) => c.pass === undefined || c.user !== undefined, { message: 'a password needs a user', path: ['user'] });
export type EmailConfig = z.infer<typeof emailConfigSchema>;

/** Failures nodemailer reports without an SMTP reply: the server was not reached or went away. */
const NETWORK_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET']);

export function createEmailNotifier(config: EmailConfig): Notifier {
  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ignoreTLS: config.ignoreTLS,
    auth: config.user ? { user: config.user, pass: config.pass ?? '' } : undefined,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
  const secrets = config.pass ? [config.pass] : [];

  return {
    type: 'email',
    async send(message: OutboundMessage) {
      const reached = message.recipients.filter((r) => r.email);
      if (reached.length === 0) throw new DeliveryError('email: none of the recipients has an e-mail address', false);
      // One mail per person, each with only their own acknowledge link.
      const results = await Promise.allSettled(
        reached.map((r) => {
          const own = forRecipient(message, r);
          return transport.sendMail({
            from: config.from,
            to: [{ name: r.name, address: r.email! }],
            subject: own.title,
            text: [own.text, '', ...linkLines(own)].join('\n'),
            html: layoutHtml(own),
            headers: { 'X-HeatWatch-Delivery': message.id },
          });
        }),
      );
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [smtpFailure(r.reason, secrets)] : []));
      // Partly delivered still fails, as for SMS: the person who did not get it matters more.
      if (failed.length > 0 && failed.every((e) => e.message === failed[0]!.message)) throw failed[0]!; // one cause for all: say it once
      if (failed.length > 1) throw new DeliveryError(`email: ${failed.length} of ${reached.length} not sent — ${failed.map((e) => e.message).join('; ')}`, failed.some((e) => e.retryable), { cause: new AggregateError(failed) });
    },
    async close() {
      transport.close();
    },
  };
}

function smtpFailure(error: unknown, secrets: readonly string[]): DeliveryError {
  const e = error as { code?: unknown; responseCode?: unknown; response?: unknown };
  if (typeof e.responseCode === 'number') {
    // SMTP 4yz replies are transient by definition (RFC 5321 §4.2.1), 5yz permanent.
    const retryable = e.responseCode >= 400 && e.responseCode < 500;
    const reply = describeAnswer(String(e.response ?? e.responseCode), secrets);
    return new DeliveryError(`email: SMTP server answered ${reply}`, retryable, { cause: error });
  }
  const code = typeof e.code === 'string' ? e.code : 'unknown error';
  const retryable = NETWORK_CODES.has(code);
  const what = retryable ? 'could not reach the SMTP server' : 'could not send';
  return new DeliveryError(`email: ${what} (${code})`, retryable, { cause: error });
}

function layoutHtml(message: OutboundMessage): string {
  const link = (href: string, label: string) =>
    `<a href="${escapeHtml(href)}" style="display:inline-block;margin-right:12px;padding:6px 14px;border:1px solid #b42318;border-radius:4px;color:#b42318;text-decoration:none">${label}</a>`;
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2 style="margin:0 0 12px">${escapeHtml(message.title)}</h2>`,
    `<p style="white-space:pre-line">${escapeHtml(message.text)}</p>`,
    `<p>${link(message.link, LABELS.details)}${message.ackLink ? link(message.ackLink, LABELS.acknowledge) : ''}</p>`,
    '</body></html>',
  ].join('\n');
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function redactEmailConfig(config: EmailConfig): EmailConfig {
  return { ...config, ...(config.pass ? { pass: REDACTED } : {}) };
}
