/**
 * Settings every channel schema shares, and the masking of secrets for anything that shows a
 * channel configuration back (the API never echoes a secret, not even to an admin).
 */
import { z } from 'zod';

export const REDACTED = '••••';
export const DEFAULT_TIMEOUT_MS = 10_000;

// abort: a URL that is not one makes checks on its parts (a robot key, a token) pointless noise.
export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL', abort: true });

export const timeoutMs = z.number().int().min(100).max(120_000).default(DEFAULT_TIMEOUT_MS);

// RFC 9110 token: `new Headers()` would otherwise throw at the first send instead of at start.
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');
export const headers = z.record(headerName, z.string());

/** A URL that must carry a query parameter, e.g. the WeCom robot `key`. */
export function urlWithParam(name: string, example: string) {
  return httpUrl.refine((value) => hasParam(value, name), `must carry ?${name}=… (${example})`);
}

function hasParam(value: string, name: string): boolean {
  try {
    return Boolean(new URL(value).searchParams.get(name));
  } catch {
    return false;
  }
}

/** The values in a URL that are credentials: every query value and a userinfo password. */
export function secretsInUrl(value: string): string[] {
  try {
    const url = new URL(value);
    const raw = [...url.searchParams.values(), decodeURIComponent(url.password)];
    return raw.flatMap((v) => (v ? [v, encodeURIComponent(v)] : []));
  } catch {
    return [];
  }
}

/**
 * The URL with every query value and the userinfo password masked. `path` masks path segments
 * too: 'last' for robots whose token is the last segment (Feishu `/hook/<token>`), 'token-like'
 * for arbitrary webhooks, where a long mixed letters-and-digits segment is how Slack- and
 * Discord-style URLs carry theirs.
 */
export function redactUrl(value: string, path: 'none' | 'last' | 'token-like' = 'none'): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return REDACTED;
  }
  const segments = url.pathname.split('/');
  const masked = segments.map((segment, i) => {
    if (path === 'last' && i === segments.length - 1 && segment) return REDACTED;
    if (path === 'token-like' && /^[A-Za-z0-9_-]{20,}$/.test(segment) && /\d/.test(segment) && /[A-Za-z]/.test(segment)) {
      return REDACTED;
    }
    return segment;
  });
  const userinfo = url.username ? `${url.username}${url.password ? `:${REDACTED}` : ''}@` : '';
  const query = [...url.searchParams.keys()].map((key) => `${encodeURIComponent(key)}=${REDACTED}`).join('&');
  // Assembled by hand: URL would percent-encode the mask.
  return `${url.protocol}//${userinfo}${url.host}${masked.join('/')}${query ? `?${query}` : ''}`;
}

/** Header names stay visible (an admin checks which are set); every value is masked. */
export function redactHeaders(value: Record<string, string> | undefined): Record<string, string> | undefined {
  return value && Object.fromEntries(Object.keys(value).map((name) => [name, REDACTED]));
}
