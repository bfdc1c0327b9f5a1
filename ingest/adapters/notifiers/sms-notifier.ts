/**
 * SMS through an HTTP gateway. Chinese SMS providers (and the company's own gateways) all differ,
 * so the request is a JSON template the admin writes for theirs, e.g.
 * `{"phone":"{{mobile}}","content":"{{text}}"}`; one request per recipient with a mobile.
 * The text is `title link`, cut to one segment (70 characters when it holds Chinese).
 */
import { z } from 'zod';
import { DeliveryError, type CustomerNotice, type Notifier, type OutboundMessage } from '../../ports/notifier.ts';
import { REDACTED, headers, httpUrl, redactHeaders, redactUrl, secretsInUrl, timeoutMs } from './config-fields.ts';
import { describeAnswer, postJson } from './http-delivery.ts';
import { forRecipient, layoutSms } from './message-layout.ts';

const PLACEHOLDER = /\{\{(mobile|text)\}\}/g;
/** A customer notice goes whole, as a long SMS (gateways join up to ~500 characters). */
const MAX_NOTICE_CHARS = 500;
const PLACEHOLDER_TEST = /\{\{(mobile|text)\}\}/;

export const smsConfigSchema = z
  .strictObject({
    type: z.literal('sms'),
    url: httpUrl,
    /** E.g. Authorization or an API key header; never shown back. */
    headers: headers.optional(),
    /** JSON with {{mobile}} and {{text}}, each replaced by its value JSON-escaped (so: inside quotes). */
    bodyTemplate: z
      .string()
      .refine((t) => t.includes('{{mobile}}') && t.includes('{{text}}'), 'must contain {{mobile}} and {{text}}')
      .refine((t) => isJson(fillTemplate(t, '13800000000', '"测试"\n')), 'must be JSON once {{mobile}} and {{text}} are filled in'),
    /** When set, the gateway accepted only if this field (dotted path) of its JSON answer equals successValue. */
    successField: z.string().min(1).optional(),
    successValue: z.string().optional(),
    maxChars: z.number().int().min(20).max(1000).default(70),
    /** Also send the customers' stop notices (停热通知) through this gateway, whole (a long SMS). */
    customerNotices: z.boolean().default(false),
    timeoutMs,
  })
  .refine((c) => (c.successField === undefined) === (c.successValue === undefined), {
    message: 'successField and successValue go together',
    path: ['successValue'],
  });
export type SmsConfig = z.infer<typeof smsConfigSchema>;

/** One pass, so a text that itself contains "{{mobile}}" is not filled in again. */
export function fillTemplate(template: string, mobile: string, text: string): string {
  const values = { mobile: jsonEscape(mobile), text: jsonEscape(text) };
  return template.replace(PLACEHOLDER, (_, name: 'mobile' | 'text') => values[name]);
}

export function createSmsNotifier(config: SmsConfig): Notifier {
  const secrets = [...Object.values(config.headers ?? {}), ...secretsInUrl(config.url), ...templateConstants(config.bodyTemplate)];

  async function sendOne(mobile: string, text: string): Promise<void> {
    const post = {
      channel: 'sms' as const,
      url: config.url,
      headers: config.headers,
      // Sent as filled, not re-serialised: a gateway's big numeric ids would lose digits in a JSON round trip.
      body: fillTemplate(config.bodyTemplate, mobile, text),
      timeoutMs: config.timeoutMs,
      secrets,
    };
    const answer = await postJson(post);
    if (config.successField === undefined) return;
    const value = readPath(answer.json, config.successField);
    if (value !== undefined && value !== null && String(value) === config.successValue) return;
    // The gateway answered and said no (template not approved, number blocked, no credit): resending the same cannot help.
    throw new DeliveryError(
      `sms: gateway refused: ${config.successField} is ${describeAnswer(JSON.stringify(value) ?? 'missing', secrets)}, not ${JSON.stringify(config.successValue)}`,
      false,
    );
  }

  return {
    type: 'sms',
    async notify(notice: CustomerNotice) {
      await sendOne(notice.phone, notice.text.slice(0, MAX_NOTICE_CHARS));
    },
    async send(message: OutboundMessage) {
      const reached = message.recipients.filter((r) => r.mobile);
      const mobiles = reached.map((r) => r.mobile!);
      if (mobiles.length === 0) throw new DeliveryError('sms: none of the recipients has a mobile number', false);
      // Each SMS carries only its reader's acknowledge link.
      const results = await Promise.allSettled(reached.map((r) => sendOne(r.mobile!, layoutSms(forRecipient(message, r), config.maxChars))));
      const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ mobile: mobiles[i] ?? '', error: r.reason as unknown }] : []));
      if (failures.length === 0) return;
      // Partly delivered still fails: the engineer who did not get it matters more than a
      // second SMS to one who did. Retry when any failure may pass.
      const errors = failures.map((f) => f.error);
      const retryable = errors.some((e) => e instanceof DeliveryError && e.retryable);
      const detail = failures.map((f) => `${maskMobile(f.mobile)}: ${f.error instanceof Error ? f.error.message.replace(/^sms: /, '') : String(f.error)}`);
      throw new DeliveryError(`sms: ${failures.length} of ${mobiles.length} not sent — ${detail.join('; ')}`, retryable, {
        cause: errors.length === 1 ? errors[0] : new AggregateError(errors),
      });
    },
  };
}

export function redactSmsConfig(config: SmsConfig): SmsConfig {
  return {
    ...config,
    url: redactUrl(config.url),
    headers: redactHeaders(config.headers),
    bodyTemplate: redactTemplate(config.bodyTemplate),
  };
}

// Every JSON string literal in turn; group 1 is set when it is a key (a colon follows).
const STRING_LITERAL = /"(?:[^"\\]|\\.)*"(\s*:)?/g;

/**
 * Some gateways want their API key in the body: every constant string value of the template is
 * masked, since which of a vendor's fields is a credential cannot be known here.
 */
function redactTemplate(template: string): string {
  return template.replace(STRING_LITERAL, (literal, key?: string) =>
    key || PLACEHOLDER_TEST.test(literal) ? literal : `"${REDACTED}"`,
  );
}

function templateConstants(template: string): string[] {
  return [...template.matchAll(STRING_LITERAL)]
    .filter(([literal, key]) => !key && !PLACEHOLDER_TEST.test(literal))
    .map(([literal]) => literal.slice(1, -1));
}

function readPath(json: unknown, path: string): unknown {
  let value = json;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Mobile numbers are personal data; logs need only enough to tell recipients apart. */
function maskMobile(mobile: string): string {
  return mobile.length >= 7 ? `${mobile.slice(0, 3)}****${mobile.slice(-4)}` : '****';
}

function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
