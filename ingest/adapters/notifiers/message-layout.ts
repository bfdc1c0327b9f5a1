/**
 * How a rendered alert is laid out for a channel. The alerting service writes the words (title,
 * text); this module only adds the fixed labels and decides what gives way when a channel's size
 * limit bites: the text, never the links, because an alert the engineer cannot act on is useless.
 */
import type { OutboundMessage } from '../../ports/notifier.ts';

export const LABELS = {
  details: '详情',
  acknowledge: '一键接单',
  recipients: '通知',
} as const;

const ELLIPSIS = '…';
/** Shorter than this a title stops saying what happened where; the SMS spills into a second segment instead. */
const MIN_SMS_TITLE_CHARS = 16;

type Laid = Pick<OutboundMessage, 'title' | 'text' | 'link' | 'ackLink'> & Partial<Pick<OutboundMessage, 'recipients'>>;

/**
 * `详情: link`, then the acknowledge links: one per recipient in their own name
 * (`一键接单（张工）: …`) when several share the message, `一键接单: …` when one reads it.
 */
export function linkLines(message: Pick<OutboundMessage, 'link' | 'ackLink'> & Partial<Pick<OutboundMessage, 'recipients'>>): string[] {
  const lines = [`${LABELS.details}: ${message.link}`];
  const own = (message.recipients ?? []).filter((r) => r.ackLink);
  if (own.length > 1) for (const r of own) lines.push(`${LABELS.acknowledge}（${r.name}）: ${r.ackLink}`);
  else if (own.length === 1) lines.push(`${LABELS.acknowledge}: ${own[0]!.ackLink}`);
  else if (message.ackLink) lines.push(`${LABELS.acknowledge}: ${message.ackLink}`);
  return lines;
}

/** The message as one of its recipients alone receives it: with only their own link. */
export function forRecipient(message: OutboundMessage, recipient: OutboundMessage['recipients'][number]): OutboundMessage {
  return { ...message, recipients: [recipient], ackLink: recipient.ackLink ?? message.ackLink };
}

/**
 * `title\ntext\n详情: link\n一键接单: ackLink` plus any channel-specific lines (mentions, names).
 * With `maxBytes` (UTF-8) the text, then the title, is shortened so the links always survive.
 */
export function layoutPlainText(message: Laid, options: { extraLines?: string[]; maxBytes?: number } = {}): string {
  const tail = [...linkLines(message), ...(options.extraLines ?? [])].join('\n');
  const full = [message.title, message.text, tail].join('\n');
  const max = options.maxBytes;
  if (max === undefined || utf8Bytes(full) <= max) return full;

  const room = max - utf8Bytes(tail) - 2; // two newlines
  const title = truncateBytes(message.title, Math.max(0, room));
  const textRoom = room - utf8Bytes(title) - 1;
  return textRoom > utf8Bytes(ELLIPSIS)
    ? [title, truncateBytes(message.text, textRoom), tail].join('\n')
    : [title, tail].join('\n');
}

/**
 * `title link` within `maxChars` characters (one SMS segment is 70 when the text holds Chinese).
 * The title is cut, not the link: a cut link opens nothing.
 */
export function layoutSms(message: Pick<OutboundMessage, 'title' | 'link'>, maxChars: number): string {
  const room = maxChars - chars(message.link) - 1;
  return `${truncateChars(message.title, Math.max(room, MIN_SMS_TITLE_CHARS))} ${message.link}`;
}

export function truncateChars(value: string, max: number): string {
  const points = [...value];
  if (points.length <= max) return value;
  return points.slice(0, Math.max(0, max - 1)).join('') + ELLIPSIS;
}

function truncateBytes(value: string, maxBytes: number): string {
  if (utf8Bytes(value) <= maxBytes) return value;
  let out = '';
  let used = utf8Bytes(ELLIPSIS);
  for (const point of value) {
    used += utf8Bytes(point);
    if (used > maxBytes) break;
    out += point;
  }
  return out + ELLIPSIS;
}

function chars(value: string): number {
  return [...value].length;
}

function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}
