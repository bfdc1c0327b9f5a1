/**
 * The HTTP API as the dashboard uses it: JSON with the session's bearer token, errors as
 * `ApiError` with the server's stable code (docs/errors.md), and a 401 reported once so the
 * session can end gracefully instead of every panel failing on its own.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From `Retry-After` (a locked account, a busy address). */
    readonly retryAfterSec?: number,
    /** The server's own words (English), for what parses them; `message` is what the reader sees. */
    readonly serverMessage: string = message,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  token: () => string | null;
  /** A request was refused as unauthenticated: the login expired or was ended elsewhere. */
  onUnauthorized: () => void;
  fetch?: typeof fetch;
  /** A refusal's message in the reader's words (`message` of the ApiError); the server's stays in `serverMessage`. */
  describe?: (code: string, serverMessage: string) => string;
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, undefined, signal);
  }

  post<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.request<T>('POST', path, body ?? {}, signal);
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.#send(method, path, body, signal);
    if (res.status === 204) return undefined as T;
    return (await res.json().catch(() => null)) as T;
  }

  /** A file the API makes (a workbook, a CSV), with the same login and the same refusals. */
  async download(path: string, signal?: AbortSignal): Promise<Blob> {
    return (await this.#send('GET', path, undefined, signal)).blob();
  }

  async #send(method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<Response> {
    const headers: Record<string, string> = {};
    const token = this.options.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw this.#error(0, 'HW_UNREACHABLE', (err as Error).message);
    }
    if (res.ok) return res;
    const payload = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    const code = payload?.error?.code ?? `HTTP_${res.status}`;
    // A wrong password (changing one's own) is a 401 too, but the login is still good.
    if (res.status === 401 && token && code !== 'HW_BAD_CREDENTIALS') this.options.onUnauthorized();
    const retryAfter = Number(res.headers.get('retry-after') ?? Number.NaN);
    throw this.#error(res.status, code, payload?.error?.message ?? res.statusText, Number.isFinite(retryAfter) ? retryAfter : undefined);
  }

  #error(status: number, code: string, serverMessage: string, retryAfterSec?: number): ApiError {
    const said = this.options.describe?.(code, serverMessage) ?? serverMessage;
    return new ApiError(status, code, said, retryAfterSec, serverMessage);
  }
}
