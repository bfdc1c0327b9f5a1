/**
 * Generic webhook: the whole message as JSON, for a receiver HeatWatch does not know (an on-call
 * tool, a home-made bridge). `X-HeatWatch-Delivery` carries the delivery id so a receiver can
 * drop the duplicates a retry may produce.
 */
import { z } from 'zod';
import type { CustomerNotice, Notifier, OutboundMessage } from '../../ports/notifier.ts';
import { headers, httpUrl, redactHeaders, redactUrl, secretsInUrl, timeoutMs } from './config-fields.ts';
import { postJson } from './http-delivery.ts';

export const webhookConfigSchema = z.strictObject({
  type: z.literal('webhook'),
  url: httpUrl,
  /** E.g. Authorization; sent with every request, never shown back. */
  headers: headers.optional(),
  /** Also send the customers' stop notices (e.g. a bridge to a WeChat service account), one request per household. */
  customerNotices: z.boolean().default(false),
  timeoutMs,
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

export function createWebhookNotifier(config: WebhookConfig): Notifier {
  const secrets = [...Object.values(config.headers ?? {}), ...secretsInUrl(config.url)];
  return {
    type: 'webhook',
    async notify(notice: CustomerNotice) {
      await postJson({
        channel: 'webhook',
        url: config.url,
        headers: { ...config.headers, 'x-heatwatch-delivery': notice.id },
        body: { type: 'customer_notice', ...notice },
        timeoutMs: config.timeoutMs,
        secrets,
      });
    },
    async send(message: OutboundMessage) {
      await postJson({
        channel: 'webhook',
        url: config.url,
        headers: { ...config.headers, 'x-heatwatch-delivery': message.id },
        body: {
          id: message.id,
          ticketId: message.ticketId,
          title: message.title,
          text: message.text,
          link: message.link,
          ackLink: message.ackLink,
          recipients: message.recipients,
        },
        timeoutMs: config.timeoutMs,
        secrets,
      });
    },
  };
}

export function redactWebhookConfig(config: WebhookConfig): WebhookConfig {
  return { ...config, url: redactUrl(config.url, 'token-like'), headers: redactHeaders(config.headers) };
}
