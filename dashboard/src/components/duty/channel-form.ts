/**
 * The channel form, pure: which settings each channel type has (the server's schemas in
 * ingest/adapters/notifiers/*-notifier.ts), a channel as editable strings, and the body for
 * PUT /api/alerting/channels/:id.
 *
 * Secrets: the API shows them as "••••" and keeps the stored secret when "••••" comes back. A
 * secret-only field (a signing secret, a password) is shown empty with "set, leave empty to keep"
 * and sends "••••" back when left empty; a URL or a template with a masked part is shown as it came
 * and kept as long as the mask is still in it.
 */
import type { MessageKey } from '../../lib/i18n/i18n.svelte.ts';
import type { Channel, ChannelConfig, ChannelType } from './duty-types.ts';

export const REDACTED = '••••';

export type FieldKind = 'text' | 'url' | 'secret' | 'number' | 'boolean' | 'headers' | 'template';

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  required?: boolean;
  /** An example of what goes in, shown greyed in the empty field. */
  example?: string;
}

const DEFAULT_SMS_TEMPLATE = '{"phone":"{{mobile}}","content":"{{text}}"}';

export const CHANNEL_FIELDS: Record<ChannelType, FieldSpec[]> = {
  wecom: [{ key: 'url', kind: 'url', required: true, example: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…' }],
  dingtalk: [
    { key: 'url', kind: 'url', required: true, example: 'https://oapi.dingtalk.com/robot/send?access_token=…' },
    { key: 'secret', kind: 'secret', example: 'SEC…' },
  ],
  feishu: [
    { key: 'url', kind: 'url', required: true, example: 'https://open.feishu.cn/open-apis/bot/v2/hook/…' },
    { key: 'secret', kind: 'secret' },
  ],
  email: [
    { key: 'host', kind: 'text', required: true, example: 'smtp.example.com' },
    { key: 'port', kind: 'number', required: true, example: '465' },
    { key: 'secure', kind: 'boolean' },
    { key: 'user', kind: 'text' },
    { key: 'pass', kind: 'secret' },
    { key: 'from', kind: 'text', required: true, example: 'HeatWatch <alerts@example.com>' },
  ],
  sms: [
    { key: 'url', kind: 'url', required: true, example: 'https://sms.example.com/send' },
    { key: 'headers', kind: 'headers', example: 'Authorization: Bearer …' },
    { key: 'bodyTemplate', kind: 'template', required: true, example: DEFAULT_SMS_TEMPLATE },
    { key: 'successField', kind: 'text', example: 'code' },
    { key: 'successValue', kind: 'text', example: '0' },
    { key: 'customerNotices', kind: 'boolean' },
  ],
  webhook: [
    { key: 'url', kind: 'url', required: true, example: 'https://example.com/heatwatch' },
    { key: 'headers', kind: 'headers', example: 'Authorization: Bearer …' },
    { key: 'customerNotices', kind: 'boolean' },
  ],
};

export interface ChannelDraft {
  /** A new channel gets its id here; an existing one keeps it. */
  isNew: boolean;
  id: string;
  name: string;
  enabled: boolean;
  type: ChannelType;
  values: Record<string, string | boolean>;
  /** Secret-only fields the server holds a value for ("••••" came back). */
  secretsSet: string[];
  /** The stored settings the form does not show (timeoutMs, maxChars, ignoreTLS…), sent back as they were. */
  rest: Record<string, unknown>;
}

export type ChannelErrors = Partial<Record<string, MessageKey>>;

function emptyValues(type: ChannelType): Record<string, string | boolean> {
  const values: Record<string, string | boolean> = {};
  for (const f of CHANNEL_FIELDS[type]) values[f.key] = f.kind === 'boolean' ? false : '';
  if (type === 'email') Object.assign(values, { port: '465', secure: true });
  if (type === 'sms') values.bodyTemplate = DEFAULT_SMS_TEMPLATE;
  return values;
}

function freeId(type: ChannelType, takenIds: Iterable<string>): string {
  const taken = new Set(takenIds);
  let n = 1;
  while (taken.has(`${type}-${n}`)) n += 1;
  return `${type}-${n}`;
}

export function newChannelDraft(type: ChannelType, takenIds: Iterable<string>): ChannelDraft {
  return { isNew: true, id: freeId(type, takenIds), name: '', enabled: true, type, values: emptyValues(type), secretsSet: [], rest: {} };
}

/** A new channel's type changed: its settings start over, and an id still as proposed follows the type. */
export function withType(d: ChannelDraft, type: ChannelType, takenIds: Iterable<string>): ChannelDraft {
  const proposed = new RegExp(`^${d.type}-\\d+$`).test(d.id);
  return { ...d, type, id: proposed ? freeId(type, takenIds) : d.id, values: emptyValues(type), secretsSet: [], rest: {} };
}

export const headersToText = (h: unknown): string =>
  h && typeof h === 'object'
    ? Object.entries(h as Record<string, unknown>)
        .map(([name, value]) => `${name}: ${String(value)}`)
        .join('\n')
    : '';

/** "Name: value" per line; null when a line has no name. */
export function textToHeaders(text: string): Record<string, string> | null {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0 || line.slice(0, colon).trim() === '') return null;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export function draftFromChannel(c: Channel): ChannelDraft {
  const { type, ...stored } = c.config;
  const values: Record<string, string | boolean> = {};
  const secretsSet: string[] = [];
  const rest = { ...stored };
  for (const f of CHANNEL_FIELDS[type]) {
    const v = stored[f.key];
    delete rest[f.key];
    if (f.kind === 'boolean') values[f.key] = v === true;
    else if (f.kind === 'headers') values[f.key] = headersToText(v);
    else if (f.kind === 'secret') {
      if (v !== undefined) secretsSet.push(f.key);
      values[f.key] = v === undefined || v === REDACTED ? '' : String(v);
    } else values[f.key] = v === undefined || v === null ? '' : String(v);
  }
  return { isNew: false, id: c.id, name: c.name, enabled: c.enabled, type, values, secretsSet, rest };
}

const CHANNEL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The PUT body, or what must be fixed first (the server checks the rest and says so). */
export function channelBody(d: ChannelDraft): { body: { name: string; enabled: boolean; config: ChannelConfig } } | { errors: ChannelErrors } {
  const errors: ChannelErrors = {};
  if (!CHANNEL_ID.test(d.id)) errors.id = 'duty.channel.error.id';
  if (d.name.trim() === '') errors.name = 'duty.channel.error.required';
  const config: ChannelConfig = { ...d.rest, type: d.type };
  for (const f of CHANNEL_FIELDS[d.type]) {
    const raw = d.values[f.key];
    if (f.kind === 'boolean') {
      config[f.key] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '') {
      if (f.kind === 'secret' && d.secretsSet.includes(f.key)) config[f.key] = REDACTED;
      else if (f.required) errors[f.key] = 'duty.channel.error.required';
      continue;
    }
    if (f.kind === 'number') {
      const n = Number(text);
      if (!Number.isInteger(n) || n <= 0) errors[f.key] = 'duty.channel.error.number';
      else config[f.key] = n;
    } else if (f.kind === 'headers') {
      const headers = textToHeaders(text);
      if (headers === null) errors[f.key] = 'duty.channel.error.headers';
      else config[f.key] = headers;
    } else config[f.key] = text;
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { body: { name: d.name.trim(), enabled: d.enabled, config } };
}

/** What the list shows of where a channel sends: its (masked) URL, or the mail server and sender. */
export function channelTarget(config: ChannelConfig): string {
  if (config.type === 'email') return `${String(config.from ?? '')} · ${String(config.host ?? '')}:${String(config.port ?? '')}`;
  return String(config.url ?? '');
}
