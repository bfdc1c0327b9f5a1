/**
 * Provisions the simulated fleet through HeatWatch's HTTP API (DESIGN.md §5): log in as an
 * admin, list what exists, POST the rest, 16 at a time. A device that already exists keeps its
 * secret on the server, which is never shown again: it is reused from the credentials cache, or
 * reported and skipped.
 */
import type { NewDevice, ProvisionedDevice } from '../ingest/contracts/devices.ts';
import type { LoginResponse } from '../ingest/contracts/users.ts';
import type { BrokerInfo } from '../ingest/contracts/broker-info.ts';
import type { CredentialsCache } from './credentials-cache.ts';

export interface ProvisionOptions {
  apiUrl: string;
  username: string;
  password: string;
  /** Substations before the rooms they feed: a room's substation must exist first. */
  devices: NewDevice[];
  cache: CredentialsCache;
  concurrency?: number;
  log: (line: string) => void;
}

export interface ProvisionResult {
  credentials: Map<string, string>;
  created: number;
  reused: number;
  skipped: { id: string; reason: string }[];
}

export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
}

interface ApiAnswer {
  status: number;
  body: unknown;
}

async function call(apiUrl: string, method: string, route: string, token: string | null, body?: unknown): Promise<ApiAnswer> {
  const url = new URL(route, apiUrl);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new ProvisionError(`cannot reach HeatWatch at ${apiUrl} (${reason})`, { cause: err });
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): keep the text for the message.
  }
  return { status: res.status, body: parsed };
}

/** `HW_CODE: message` from an {error: {code, message}} body, or the HTTP status. */
function describe(answer: ApiAnswer): string {
  const error = (answer.body as { error?: { code?: string; message?: string } } | null)?.error;
  return error?.code ? `${error.code}: ${error.message ?? ''}` : `HTTP ${answer.status}`;
}

export async function login(o: { apiUrl: string; username: string; password: string }): Promise<string> {
  const answer = await call(o.apiUrl, 'POST', '/api/login', null, { username: o.username, password: o.password });
  if (answer.status !== 200) throw new ProvisionError(`login as ${o.username} failed (${describe(answer)})`);
  return (answer.body as LoginResponse).token;
}

/**
 * The MQTT URL of the HeatWatch at `apiUrl`: its embedded broker's port on the same host, or
 * the external broker it consumes from.
 */
export async function askBrokerUrl(apiUrl: string, token: string): Promise<string> {
  const answer = await call(apiUrl, 'GET', '/api/broker', token);
  if (answer.status !== 200) throw new ProvisionError(`cannot ask HeatWatch where its MQTT broker is (${describe(answer)}); pass --mqtt`);
  const info = answer.body as BrokerInfo;
  if (info.mode === 'external') return info.url;
  // hostname keeps an IPv6 address in its brackets.
  return `mqtt://${new URL(apiUrl).hostname}:${info.port}`;
}

async function existingIds(o: ProvisionOptions, token: string): Promise<Set<string>> {
  const answer = await call(o.apiUrl, 'GET', '/api/devices', token);
  if (answer.status !== 200) throw new ProvisionError(`cannot list devices (${describe(answer)}); provisioning needs an admin`);
  return new Set((answer.body as { devices: { id: string }[] }).devices.map((d) => d.id));
}

/** Runs `work` over `items` with at most `limit` in flight, in order of start. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function provisionFleet(o: ProvisionOptions): Promise<ProvisionResult> {
  const token = await login(o);
  const existing = await existingIds(o, token);
  const result: ProvisionResult = { credentials: new Map(), created: 0, reused: 0, skipped: [] };
  const total = o.devices.length;
  let done = 0;
  let nextReport = 0.1;
  const progress = async () => {
    done++;
    if (done / total + 1e-9 < nextReport && done !== total) return;
    while (nextReport <= done / total + 1e-9) nextReport += 0.1;
    o.log(`provisioning: ${done}/${total} (${Math.round((100 * done) / total)} %) — ${result.created} new, ${result.reused} reused, ${result.skipped.length} skipped`);
    // Saved as we go: secrets of devices created before a crash must not be lost.
    await o.cache.save();
  };
  const reuse = (id: string) => {
    const cached = o.cache.get(id);
    if (cached === undefined) {
      const where = o.cache.file ?? 'memory (no credentials file given)';
      result.skipped.push({ id, reason: `exists on the server but its secret is not in ${where}` });
    } else {
      result.credentials.set(id, cached);
      result.reused++;
    }
  };
  const provisionOne = async (device: NewDevice) => {
    if (existing.has(device.id)) reuse(device.id);
    else {
      const answer = await call(o.apiUrl, 'POST', '/api/devices', token, device);
      if (answer.status === 201) {
        const { mqtt } = answer.body as ProvisionedDevice;
        o.cache.set(device.id, mqtt.password);
        result.credentials.set(device.id, mqtt.password);
        result.created++;
      } else if (answer.status === 409) {
        reuse(device.id);
      } else {
        result.skipped.push({ id: device.id, reason: describe(answer) });
      }
    }
    await progress();
  };
  // Two phases: every substation exists before any room names it as its feed.
  const concurrency = o.concurrency ?? 16;
  await pool(o.devices.filter((d) => d.kind === 'substation'), concurrency, provisionOne);
  await pool(o.devices.filter((d) => d.kind !== 'substation'), concurrency, provisionOne);
  await o.cache.save();
  return result;
}
