/**
 * Every error HeatWatch reports, declared once with a stable code (docs/errors.md): what an API
 * client is answered, and what stops a start or is logged while running. Callers branch on
 * `code`, never on a class name or a message.
 * - `status`: the HTTP status when the error reaches a client (an HTTP body is always
 *   {error: {code, message}}).
 * - `exit`: the process exit code when the error stops `npm start` (the message on stderr).
 */
export const ERRORS = {
  // Refusals of an API request.
  HW_BAD_REQUEST: { status: 400, message: 'The request is not valid' },
  HW_UNKNOWN_SUBSTATION: { status: 400, message: 'The substation does not exist' },
  HW_SECRET_REQUIRED: { status: 400, message: "The channel's destination changed: enter its secrets again" },
  HW_WEAK_PASSWORD: { status: 400, message: 'The password does not meet the policy' },
  HW_UNAUTHENTICATED: { status: 401, message: 'Log in first: a valid bearer token is required' },
  HW_BAD_CREDENTIALS: { status: 401, message: 'Wrong username or password' },
  HW_FORBIDDEN: { status: 403, message: 'Your role does not allow this' },
  HW_ACCOUNT_DISABLED: { status: 403, message: 'This account is disabled: ask an administrator' },
  HW_NOT_FOUND: { status: 404, message: 'Not found' },
  HW_DEVICE_EXISTS: { status: 409, message: 'A device with this id already exists' },
  HW_USER_EXISTS: { status: 409, message: 'A user with this name already exists' },
  HW_HOUSEHOLD_EXISTS: { status: 409, message: 'A household with this id already exists' },
  HW_TICKET_STEP: { status: 409, message: "The ticket's status does not allow this step" },
  HW_CONFLICT: { status: 409, message: 'Not possible in the current state' },
  HW_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  HW_RATE_LIMITED: { status: 429, message: 'Too many requests: slow down' },
  HW_ACCOUNT_LOCKED: { status: 429, message: 'Too many wrong passwords: this account takes no login for a while' },
  HW_INTERNAL: { status: 500, message: 'Internal error' },
  HW_CHANNEL_FAILED: { status: 502, message: 'The notification channel refused or did not answer' },

  // What stops a start (exit code 2: fix the file or the variable, then start again).
  HW_CONFIG_INVALID: { status: 500, exit: 2, message: 'The configuration (environment variables) is not valid' },
  HW_RULES_INVALID: { status: 500, exit: 2, message: 'The rules file is not valid' },
  HW_CALENDAR_INVALID: { status: 500, exit: 2, message: 'The working-day calendar file is not valid' },
  HW_SECRETS_KEY: { status: 500, exit: 2, message: 'The stored secrets cannot be opened with this key' },

  // What is logged while running; no client sees these.
  HW_STORE_WRITE_FAILED: { status: 503, message: 'The telemetry store refused a batch: its senders are not acknowledged' },
  HW_OUTBOX_FULL: { status: 503, message: 'The outbox is full while InfluxDB is down: readings are refused until it drains' },
  HW_DELIVERY_FAILED: { status: 502, message: 'A notification was not delivered' },
} as const satisfies Record<string, { status: number; message: string; exit?: number }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  /** Sent as `Retry-After` (a lockout, a rate limit). */
  readonly retryAfterSec?: number;
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
}

/** The exit code when `err` is a known reason not to start (a bad file, variable or key); else undefined. */
export function startupExitCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !(code in ERRORS)) return undefined;
  return (ERRORS[code as ErrorCode] as { exit?: number }).exit;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}
