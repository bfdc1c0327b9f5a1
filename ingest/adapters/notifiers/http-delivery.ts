/**
 * The one way HTTP providers talk to a receiver: POST JSON with a timeout, and turn every
 * failure into a DeliveryError that names the channel and what the receiver answered — never the
 * URL (robot keys and access tokens live in its query) and never a configured secret.
 *
 * Retryable: no answer (network, timeout), 5xx and 429. Any other non-2xx means the request
 * itself is wrong, so sending it again cannot help.
 */
import { DeliveryError, type ChannelType } from '../../ports/notifier.ts';

export interface JsonPost {
  channel: ChannelType;
  url: string;
  /** Serialised as JSON; a string is taken as JSON already (a filled SMS template). */
  body: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Values that must not reach an error message even if a receiver echoes them back. */
  secrets: readonly string[];
}

export interface ReceiverAnswer {
  status: number;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

const ANSWER_SNIPPET_CHARS = 200;

export async function postJson(post: JsonPost): Promise<ReceiverAnswer> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(post.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...post.headers },
      body: typeof post.body === 'string' ? post.body : JSON.stringify(post.body),
      // A robot or gateway that redirects is misconfigured; following would turn the POST into a GET.
      redirect: 'manual',
      signal: AbortSignal.timeout(post.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw unreachable(post, error);
  }

  const answer = { status: response.status, text, json: parseJson(text) };
  if (response.status >= 200 && response.status < 300) return answer;
  const retryable = response.status === 429 || response.status >= 500;
  throw new DeliveryError(
    `${post.channel}: receiver answered HTTP ${response.status} (${bodySize(text)})`,
    retryable,
  );
}

/**
 * For robots that answer HTTP 200 and put the verdict in the body ({errcode: 0} and the like).
 * `read` picks the vendor's code and message; 0 is success; `retryableCodes` are the vendor's
 * "too frequent" / "busy" codes, every other code is a configuration problem.
 */
export function expectVendorSuccess(
  post: Pick<JsonPost, 'channel' | 'secrets'>,
  answer: ReceiverAnswer,
  read: (json: Record<string, unknown>) => { code: unknown; message: unknown },
  retryableCodes: ReadonlySet<number>,
): void {
  const json = answer.json;
  const verdict = json !== null && typeof json === 'object' ? read(json as Record<string, unknown>) : undefined;
  if (verdict === undefined || typeof verdict.code !== 'number') {
    throw new DeliveryError(
      `${post.channel}: receiver answered HTTP ${answer.status} without the expected JSON verdict (${bodySize(answer.text)})`,
      false,
    );
  }
  if (verdict.code === 0) return;
  const message = describeAnswer(String(verdict.message ?? ''), post.secrets);
  throw new DeliveryError(
    `${post.channel}: receiver refused the message: errcode ${verdict.code} ${message}`.trimEnd(),
    retryableCodes.has(verdict.code),
  );
}

/**
 * How much a receiver answered, never what: an admin may point a channel at any address, and
 * the channel test and the delivery log must not become a way to read an internal service's
 * pages (the vendor's own verdict fields, errcode and message, are still reported).
 */
export function bodySize(text: string): string {
  return text.length === 0 ? 'empty body' : `${Buffer.byteLength(text)}-byte body not shown`;
}

/** A short, single-line, secret-free account of what a receiver said. */
export function describeAnswer(text: string, secrets: readonly string[]): string {
  let out = text.replace(/\s+/g, ' ').trim();
  // Values under 4 characters are no credential worth the name and would shred the message.
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('••••');
  return out.length > ANSWER_SNIPPET_CHARS ? `${out.slice(0, ANSWER_SNIPPET_CHARS)}…` : out || '(empty body)';
}

function unreachable(post: JsonPost, error: unknown): DeliveryError {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new DeliveryError(`${post.channel}: no answer within ${post.timeoutMs} ms`, true, { cause: error });
  }
  // Only the low-level code (ECONNREFUSED, ENOTFOUND, …): undici's own messages may quote the URL.
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  const reason = typeof code === 'string' ? code : 'network error';
  return new DeliveryError(`${post.channel}: could not reach the receiver (${reason})`, true, { cause: error });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
