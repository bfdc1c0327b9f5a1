/**
 * Why a page or a notice did not go out, in the reader's language. The server records its
 * delivery errors in English (they are also in the logs, for whoever runs it); a Chinese
 * dispatcher reads them here in Chinese. Each shape the notifiers write (ingest/adapters/
 * notifiers, the alerting and notice services) has a key; an unknown one is shown as written.
 */
import type { MessageKey } from '../i18n/i18n.svelte.ts';
import type { Words } from './describe-facts.ts';

type Rule = [RegExp, MessageKey, (m: RegExpMatchArray) => Record<string, string | number>];

const RULES: Rule[] = [
  [/^could not reach the receiver \(network error\)$/, 'delivery.network', () => ({})],
  [/^could not reach the receiver \((.+)\)$/, 'delivery.unreachable', (m) => ({ code: m[1]! })],
  [/^no answer within (\d+) ms$/, 'delivery.timeout', (m) => ({ seconds: Math.round(Number(m[1]) / 1000) })],
  [/^receiver answered HTTP (\d+) without the expected JSON verdict/, 'delivery.noVerdict', (m) => ({ status: m[1]! })],
  [/^receiver answered HTTP (\d+)/, 'delivery.httpStatus', (m) => ({ status: m[1]! })],
  [/^receiver refused the message: errcode (-?\d+) ?(.*)$/, 'delivery.refused', (m) => ({ code: m[1]!, message: m[2]! })],
  [/^none of the recipients has an e-mail address$/, 'delivery.noEmail', () => ({})],
  [/^none of the recipients has a mobile number$/, 'delivery.noMobile', () => ({})],
  [/^SMTP server answered (.+)$/, 'delivery.smtpAnswer', (m) => ({ reply: m[1]! })],
  [/^could not reach the SMTP server \((.+)\)$/, 'delivery.smtpUnreachable', (m) => ({ code: m[1]! })],
  [/^could not send \((.+)\)$/, 'delivery.couldNotSend', (m) => ({ code: m[1]! })],
  [/^gateway refused: (.+) is (.+), not (.+)$/, 'delivery.gatewayRefused', (m) => ({ field: m[1]!, value: m[2]!, expected: m[3]! })],
  [/^channel (.+) is removed or disabled$/, 'delivery.channelGone', (m) => ({ channel: m[1]! })],
  [/^channel (.+) is removed, disabled or no longer for customers$/, 'delivery.channelGone', (m) => ({ channel: m[1]! })],
  [/^a (\w+) channel cannot reach customers/, 'delivery.notForCustomers', (m) => ({ type: m[1]! })],
];

const PARTLY = /^(\d+) of (\d+) not sent — (.+)$/;

/** The message, and without its channel prefix ("webhook: ", "sms: "): the entry names the channel already. */
const candidates = (message: string): string[] => {
  const colon = message.indexOf(': ');
  return colon > 0 ? [message, message.slice(colon + 2)] : [message];
};

export function deliveryErrorText(w: Pick<Words, 't'>, message: string): string {
  for (const text of candidates(message)) {
    const partly = PARTLY.exec(text);
    if (partly) {
      // "138****0000: could not reach …; …": each failure said in turn.
      const each = partly[3]!.split('; ').map((part) => {
        const who = /^([\d*]{6,}): (.+)$/.exec(part);
        return who ? `${who[1]} ${deliveryErrorText(w, who[2]!)}` : deliveryErrorText(w, part);
      });
      return w.t('delivery.partly', { failed: partly[1]!, of: partly[2]!, each: each.join('; ') });
    }
    for (const [re, key, vars] of RULES) {
      const m = re.exec(text);
      if (m) return w.t(key, vars(m));
    }
  }
  return message;
}
