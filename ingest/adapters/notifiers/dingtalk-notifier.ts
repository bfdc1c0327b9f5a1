/**
 * 钉钉 group robot (自定义机器人): a text message that @-mentions the engineers by mobile number.
 * With the "加签" security setting the URL carries a timestamp and its HMAC signature, which
 * DingTalk refuses when more than an hour off its clock.
 * Protocol: open.dingtalk.com/document/robots/custom-robot-access (and …/customize-robot-security-settings).
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Notifier, OutboundMessage } from '../../ports/notifier.ts';
import { REDACTED, redactUrl, secretsInUrl, timeoutMs, urlWithParam } from './config-fields.ts';
import { expectVendorSuccess, postJson } from './http-delivery.ts';
import { layoutPlainText } from './message-layout.ts';

export const dingtalkConfigSchema = z.strictObject({
  type: z.literal('dingtalk'),
  url: urlWithParam('access_token', 'https://oapi.dingtalk.com/robot/send?access_token=…'),
  /** The 加签 secret shown in the robot's security settings. */
  secret: z.string().startsWith('SEC', 'a DingTalk signing secret starts with "SEC"').optional(),
  timeoutMs,
});
export type DingtalkConfig = z.infer<typeof dingtalkConfigSchema>;

/** -1 system busy; 130101 more than 20 messages a minute; 410100 throttled. 310000 (sign, keyword or IP refused) is not. */
const RETRYABLE_ERRCODES = new Set([-1, 130101, 410100]);

/** base64(HmacSHA256(key = secret, message = timestamp + "\n" + secret)), timestamp in ms. */
export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

export function createDingtalkNotifier(config: DingtalkConfig, now: () => number = Date.now): Notifier {
  const secrets = [...secretsInUrl(config.url), ...(config.secret ? [config.secret] : [])];
  return {
    type: 'dingtalk',
    async send(message: OutboundMessage) {
      const mobiles = message.recipients.flatMap((r) => (r.mobile ? [r.mobile] : []));
      // DingTalk highlights a mention where "@mobile" stands in the content.
      const mentions = mobiles.length > 0 ? [mobiles.map((m) => `@${m}`).join(' ')] : [];
      const post = {
        channel: 'dingtalk' as const,
        url: config.secret ? signedUrl(config.url, config.secret, now()) : config.url,
        body: {
          msgtype: 'text',
          text: { content: layoutPlainText(message, { extraLines: mentions }) },
          at: { atMobiles: mobiles, isAtAll: false },
        },
        timeoutMs: config.timeoutMs,
        secrets,
      };
      const answer = await postJson(post);
      expectVendorSuccess(post, answer, (json) => ({ code: json.errcode, message: json.errmsg }), RETRYABLE_ERRCODES);
    },
  };
}

function signedUrl(base: string, secret: string, timestampMs: number): string {
  const url = new URL(base);
  // URLSearchParams percent-encodes + / = of the base64, which is the urlEncode the spec asks for.
  url.searchParams.set('timestamp', String(timestampMs));
  url.searchParams.set('sign', dingtalkSign(timestampMs, secret));
  return url.toString();
}

export function redactDingtalkConfig(config: DingtalkConfig): DingtalkConfig {
  return { ...config, url: redactUrl(config.url), ...(config.secret ? { secret: REDACTED } : {}) };
}
