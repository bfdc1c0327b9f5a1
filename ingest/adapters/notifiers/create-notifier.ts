/**
 * The one place channel providers are registered: the configuration schema (a union on `type`,
 * each provider's settings validated by its own schema), the factory, and the redaction the API
 * applies before it shows a channel back. Adding a provider touches its own file and this one.
 */
import { z } from 'zod';
import type { ChannelType, Notifier } from '../../ports/notifier.ts';
import { createDingtalkNotifier, dingtalkConfigSchema, redactDingtalkConfig, type DingtalkConfig } from './dingtalk-notifier.ts';
import { createEmailNotifier, emailConfigSchema, redactEmailConfig, type EmailConfig } from './email-notifier.ts';
import { createFeishuNotifier, feishuConfigSchema, redactFeishuConfig, type FeishuConfig } from './feishu-notifier.ts';
import { createSmsNotifier, redactSmsConfig, smsConfigSchema, type SmsConfig } from './sms-notifier.ts';
import { createWebhookNotifier, redactWebhookConfig, webhookConfigSchema, type WebhookConfig } from './webhook-notifier.ts';
import { createWecomNotifier, redactWecomConfig, wecomConfigSchema, type WecomConfig } from './wecom-notifier.ts';

export { REDACTED } from './config-fields.ts';
export type { DingtalkConfig, EmailConfig, FeishuConfig, SmsConfig, WebhookConfig, WecomConfig };

export const channelConfigSchema = z.discriminatedUnion('type', [
  webhookConfigSchema,
  wecomConfigSchema,
  dingtalkConfigSchema,
  feishuConfigSchema,
  emailConfigSchema,
  smsConfigSchema,
]);
/** A validated channel configuration (defaults applied). */
export type ChannelConfig = z.infer<typeof channelConfigSchema>;
/** What an admin writes: defaults (timeoutMs, secure, maxChars, …) may be left out. */
export type ChannelConfigInput = z.input<typeof channelConfigSchema>;

// Compile-time check that the port's CHANNEL_TYPES and the schema name the same channels.
type SameTypes<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const channelTypesMatch: SameTypes<ChannelConfig['type'], ChannelType> = true;
void channelTypesMatch;

export function createNotifier(config: ChannelConfig): Notifier {
  switch (config.type) {
    case 'webhook':
      return createWebhookNotifier(config);
    case 'wecom':
      return createWecomNotifier(config);
    case 'dingtalk':
      return createDingtalkNotifier(config);
    case 'feishu':
      return createFeishuNotifier(config);
    case 'email':
      return createEmailNotifier(config);
    case 'sms':
      return createSmsNotifier(config);
  }
}

/** The configuration with every secret replaced by "••••", for anything that shows it back. */
export function redactChannelConfig(config: ChannelConfig): ChannelConfig {
  switch (config.type) {
    case 'webhook':
      return redactWebhookConfig(config);
    case 'wecom':
      return redactWecomConfig(config);
    case 'dingtalk':
      return redactDingtalkConfig(config);
    case 'feishu':
      return redactFeishuConfig(config);
    case 'email':
      return redactEmailConfig(config);
    case 'sms':
      return redactSmsConfig(config);
  }
}
