/**
 * Provisions the simulated fleet through HeatWatch's HTTP API (DESIGN.md §5): log in as an
 * admin, list what exists, POST the rest, 16 at a time. A device that already exists keeps its
 * secret on the server, which is never shown again: it is reused from the credentials cache, or
 * reported and skipped.
 */
import type { NewDevice, ProvisionedDevice } from '../ingest/contracts/devices.ts';
import type { CredentialsCache } from './credentials-cache.ts';
import { describeAnswer, HeatWatchApiError, HeatWatchClient, HeatWatchUnreachableError } from './heatwatch-client.ts';

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

/** Logs in as `username`; a refusal or an unreachable server is a ProvisionError saying which. */
export async function login(o: { apiUrl: string; username: string; password: string }): Promise<HeatWatchClient> {
  try {
    return await HeatWatchClient.login(o.apiUrl, o.username, o.password);
  } catch (err) {
    if (err instanceof HeatWatchUnreachableError) throw new ProvisionError(err.message, { cause: err });
    if (err instanceof HeatWatchApiError) throw new ProvisionError(`login as ${o.username} failed (${err.detail})`, { cause: err });
    throw err;
  }
}

/**
 * The MQTT URL of the HeatWatch the client talks to: its embedded broker's port on the same
 * host, or the external broker it consumes from.
 */
export async function askBrokerUrl(client: HeatWatchClient): Promise<string> {
  try {
    return await client.brokerUrl();
  } catch (err) {
    if (!(err instanceof HeatWatchApiError || err instanceof HeatWatchUnreachableError)) throw err;
    throw new ProvisionError(`cannot ask HeatWatch where its MQTT broker is (${err instanceof HeatWatchApiError ? err.detail : err.message}); pass --mqtt`, { cause: err });
  }
}

async function existingIds(client: HeatWatchClient): Promise<Set<string>> {
  try {
    return await client.deviceIds();
  } catch (err) {
    if (!(err instanceof HeatWatchApiError)) throw err;
    throw new ProvisionError(`cannot list devices (${err.detail}); provisioning needs an admin`, { cause: err });
  }
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
  const client = await login(o);
  const existing = await existingIds(client);
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
      const answer = await client.request<ProvisionedDevice>('POST', '/api/devices', device);
      if (answer.status === 201) {
        const { mqtt } = answer.body;
        o.cache.set(device.id, mqtt.password);
        result.credentials.set(device.id, mqtt.password);
        result.created++;
      } else if (answer.status === 409) {
        reuse(device.id);
      } else {
        result.skipped.push({ id: device.id, reason: describeAnswer(answer) });
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
