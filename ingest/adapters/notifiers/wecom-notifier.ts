/**
 * 企业微信 group robot (群机器人): a text message that @-mentions the engineers by mobile number,
 * so their phones ring — a markdown message cannot mention anyone by mobile.
 * Protocol: developer.work.weixin.qq.com/document/path/91770 (send), /90313 (error codes).
 */
import { z } from 'zod';
import type { Notifier, OutboundMessage } from '../../ports/notifier.ts';
import { redactUrl, secretsInUrl, timeoutMs, urlWithParam } from './config-fields.ts';
import { expectVendorSuccess, postJson } from './http-delivery.ts';
import { layoutPlainText } from './message-layout.ts';

export const wecomConfigSchema = z.strictObject({
  type: z.literal('wecom'),
  url: urlWithParam('key', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…'),
  timeoutMs,
});
export type WecomConfig = z.infer<typeof wecomConfigSchema>;

/** "文本内容，最长不超过2048个字节，必须是utf8编码": longer text is refused (errcode 40058). */
const MAX_CONTENT_BYTES = 2048;
/** -1 system busy; 45009 more than 20 messages a minute for this robot; 45033 too many at once. */
const RETRYABLE_ERRCODES = new Set([-1, 45009, 45033]);

export function createWecomNotifier(config: WecomConfig): Notifier {
  const secrets = secretsInUrl(config.url);
  return {
    type: 'wecom',
    async send(message: OutboundMessage) {
      const mobiles = message.recipients.flatMap((r) => (r.mobile ? [r.mobile] : []));
      const post = {
        channel: 'wecom' as const,
        url: config.url,
        body: {
          msgtype: 'text',
          text: {
            content: layoutPlainText(message, { maxBytes: MAX_CONTENT_BYTES }),
            mentioned_mobile_list: mobiles,
          },
        },
        timeoutMs: config.timeoutMs,
        secrets,
      };
      const answer = await postJson(post);
      expectVendorSuccess(post, answer, (json) => ({ code: json.errcode, message: json.errmsg }), RETRYABLE_ERRCODES);
    },
  };
}

export function redactWecomConfig(config: WecomConfig): WecomConfig {
  return { ...config, url: redactUrl(config.url) };
}
