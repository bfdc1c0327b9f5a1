/**
 * Every error HeatWatch answers a client with, declared once with a stable code and its HTTP
 * status (docs/errors.md). Services throw them; the HTTP layer only renders them.
 * The body is always {error: {code, message}}.
 */
export const ERRORS = {
  HW_BAD_REQUEST: { status: 400, message: 'The request is not valid' },
  HW_UNKNOWN_SUBSTATION: { status: 400, message: 'The substation does not exist' },
  HW_UNAUTHENTICATED: { status: 401, message: 'Log in first: a valid bearer token is required' },
  HW_BAD_CREDENTIALS: { status: 401, message: 'Wrong username or password' },
  HW_FORBIDDEN: { status: 403, message: 'Your role does not allow this' },
  HW_NOT_FOUND: { status: 404, message: 'Not found' },
  HW_DEVICE_EXISTS: { status: 409, message: 'A device with this id already exists' },
  HW_USER_EXISTS: { status: 409, message: 'A user with this name already exists' },
  HW_CONFLICT: { status: 409, message: 'Not possible in the current state' },
  HW_CHANNEL_FAILED: { status: 502, message: 'The notification channel refused or did not answer' },
  HW_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  HW_RATE_LIMITED: { status: 429, message: 'Too many requests: slow down' },
  HW_ACCOUNT_LOCKED: { status: 429, message: 'Too many wrong passwords: this account takes no login for a while' },
  HW_ACCOUNT_DISABLED: { status: 403, message: 'This account is disabled: ask an administrator' },
  HW_WEAK_PASSWORD: { status: 400, message: 'The password does not meet the policy' },
  HW_INTERNAL: { status: 500, message: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
    options?: { cause?: unknown; retryAfterSec?: number },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
    this.retryAfterSec = options?.retryAfterSec;
  }
  /** Sent as `Retry-After` (a lockout, a rate limit). */
  readonly retryAfterSec?: number;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}
