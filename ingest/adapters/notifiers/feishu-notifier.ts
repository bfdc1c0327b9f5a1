/**
 * 飞书 custom bot (自定义机器人): a text message. A custom bot cannot @-mention by mobile number,
 * only by Feishu user id, which HeatWatch does not keep, so the names are listed instead.
 * With 签名校验 on, the body carries a timestamp (seconds) and its signature.
 * Protocol: open.feishu.cn/document/client-docs/bot-v3/add-custom-bot.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Notifier, OutboundMessage } from '../../ports/notifier.ts';
import { REDACTED, httpUrl, redactUrl, timeoutMs } from './config-fields.ts';
import { expectVendorSuccess, postJson } from './http-delivery.ts';
import { LABELS, layoutPlainText } from './message-layout.ts';

export const feishuConfigSchema = z.strictObject({
  type: z.literal('feishu'),
  /** https://open.feishu.cn/open-apis/bot/v2/hook/<token>: the token is the last path segment. */
  url: httpUrl,
  secret: z.string().min(1).optional(),
  timeoutMs,
});
export type FeishuConfig = z.infer<typeof feishuConfigSchema>;

/** 11232: more than the bot's 100 messages a minute / 5 a second. */
const RETRYABLE_CODES = new Set([11232]);

/** base64(HmacSHA256(key = timestamp + "\n" + secret, message = empty)), timestamp in seconds. */
export function feishuSign(timestampSeconds: number, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update(Buffer.alloc(0)).digest('base64');
}

export function createFeishuNotifier(config: FeishuConfig, now: () => number = Date.now): Notifier {
  const token = new URL(config.url).pathname.split('/').pop() ?? '';
  const secrets = [token, ...(config.secret ? [config.secret] : [])];
  return {
    type: 'feishu',
    async send(message: OutboundMessage) {
      const names = message.recipients.map((r) => r.name);
      const extraLines = names.length > 0 ? [`${LABELS.recipients}: ${names.join('、')}`] : [];
      const post = {
        channel: 'feishu' as const,
        url: config.url,
        body: {
          ...(config.secret ? signature(config.secret, Math.floor(now() / 1000)) : {}),
          msg_type: 'text',
          content: { text: layoutPlainText(message, { extraLines }) },
        },
        timeoutMs: config.timeoutMs,
        secrets,
      };
      const answer = await postJson(post);
      // Newer bots answer {code, msg}, older ones {StatusCode, StatusMessage}.
      expectVendorSuccess(
        post,
        answer,
        (json) => ({ code: json.code ?? json.StatusCode, message: json.msg ?? json.StatusMessage }),
        RETRYABLE_CODES,
      );
    },
  };
}

function signature(secret: string, timestampSeconds: number): { timestamp: string; sign: string } {
  return { timestamp: String(timestampSeconds), sign: feishuSign(timestampSeconds, secret) };
}

export function redactFeishuConfig(config: FeishuConfig): FeishuConfig {
  return { ...config, url: redactUrl(config.url, 'last'), ...(config.secret ? { secret: REDACTED } : {}) };
}
