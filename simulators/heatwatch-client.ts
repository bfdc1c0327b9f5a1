/**
 * One typed client of HeatWatch's HTTP API, for everything that drives a HeatWatch from outside:
 * the simulators (provisioning a fleet, the demo's pager), the bench and the tests. It speaks
 * only the published contracts; an error answer keeps its stable code.
 */
import type { BrokerInfo } from '../ingest/contracts/broker-info.ts';
import type { NewDevice, ProvisionedDevice } from '../ingest/contracts/devices.ts';
import type { LoginResponse } from '../ingest/contracts/users.ts';

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

/** An answer outside 2xx, with the server's `HW_…` code when it gave one. */
export class HeatWatchApiError extends Error {
  override readonly name = 'HeatWatchApiError';
  constructor(
    readonly status: number,
    readonly code: string | null,
    /** `HW_CODE: message`, or `HTTP 502` without a HeatWatch body. */
    readonly detail: string,
    request: string,
  ) {
    super(`${request}: ${detail}`);
  }
}

/** HeatWatch did not answer at all (down, wrong address, refused connection). */
export class HeatWatchUnreachableError extends Error {
  override readonly name = 'HeatWatchUnreachableError';
}

/** `HW_CODE: message` from an {error: {code, message}} body, or the HTTP status. */
export function describeAnswer(answer: ApiAnswer): string {
  const error = (answer.body as { error?: { code?: string; message?: string } } | null)?.error;
  return error?.code ? `${error.code}: ${error.message ?? ''}` : `HTTP ${answer.status}`;
}

export class HeatWatchClient {
  constructor(
    /** e.g. http://127.0.0.1:8080 */
    readonly baseUrl: string,
    /** The bearer token sent with every request (null: none). */
    public token: string | null = null,
  ) {}

  /** Logs in; the client then sends the token. */
  static async login(baseUrl: string, username: string, password: string): Promise<HeatWatchClient> {
    const client = new HeatWatchClient(baseUrl);
    client.token = (await client.call<LoginResponse>('POST', '/api/login', { username, password }, { token: null })).token;
    return client;
  }

  /**
   * Any request, whatever the answer: for tests of refusals. `body` as a string is sent as it
   * is (malformed JSON on purpose); `token` overrides the client's (null: none).
   */
  async request<T = unknown>(method: string, route: string, body?: unknown, o: { token?: string | null; contentType?: string } = {}): Promise<ApiAnswer<T>> {
    const token = o.token === undefined ? this.token : o.token;
    let res: Response;
    try {
      res = await fetch(new URL(route, this.baseUrl), {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': o.contentType ?? 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new HeatWatchUnreachableError(`cannot reach HeatWatch at ${this.baseUrl} (${cause?.code ?? cause?.message ?? (err as Error).message})`, { cause: err });
    }
    const text = await res.text();
    let parsed: unknown = text === '' ? undefined : text;
    try {
      if (text !== '') parsed = JSON.parse(text);
    } catch {
      // Not JSON (a CSV, a proxy's error page): the text as it is.
    }
    return { status: res.status, body: parsed as T };
  }

  /** A request that must succeed: its body, or a HeatWatchApiError with the server's code. */
  async call<T = unknown>(method: string, route: string, body?: unknown, o: { token?: string | null } = {}): Promise<T> {
    const answer = await this.request<T>(method, route, body, o);
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    const code = (answer.body as { error?: { code?: string } } | null)?.error?.code ?? null;
    throw new HeatWatchApiError(answer.status, code, describeAnswer(answer), `${method} ${route}`);
  }

  provision(device: NewDevice): Promise<ProvisionedDevice> {
    return this.call<ProvisionedDevice>('POST', '/api/devices', device);
  }

  async deviceIds(): Promise<Set<string>> {
    return new Set((await this.call<{ devices: { id: string }[] }>('GET', '/api/devices')).devices.map((d) => d.id));
  }

  /** The MQTT URL devices use: the embedded broker's port on the API's host, or the external broker. */
  async brokerUrl(): Promise<string> {
    const info = await this.call<BrokerInfo>('GET', '/api/broker');
    if (info.mode === 'external') return info.url;
    // hostname keeps an IPv6 address in its brackets.
    return `mqtt://${new URL(this.baseUrl).hostname}:${info.port}`;
  }
}
