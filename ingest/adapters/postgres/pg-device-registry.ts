/**
 * Device registry in PostgreSQL with an in-memory view (the port answers `get`, `list` and `count`
 * synchronously, on the MQTT hot path). Several nodes share the table: each announces what it
 * provisions on the channel `heatwatch_devices` (NOTIFY, sent on commit), and each keeps one
 * connection of its own listening there, so its view learns of devices provisioned elsewhere.
 * That connection survives a PostgreSQL restart: it reconnects, listens again and reloads the view.
 */
import pg from 'pg';
import { DuplicateDeviceError, type DeviceCredentials, type DeviceRegistry, type LastState } from '../../ports/device-registry.ts';
import { toCredentials, type DeviceRow } from '../sqlite/sqlite-device-registry.ts';
import { inTransaction } from './pg-transaction.ts';

const CHANNEL = 'heatwatch_devices';
const FIRST_RETRY_MS = 500;
const LAST_RETRY_MS = 10_000;

export interface PgDeviceRegistryOptions {
  /** The database's URL, for the listening connection (kept outside the pool). */
  url: string;
  /** The listening connection failed or was lost; it reconnects by itself. Default: ignored. */
  onListenerError?: (err: Error) => void;
}

export type PgDeviceRegistry = DeviceRegistry & {
  /** Stops listening (and reconnecting); the pool stays the caller's. */
  close(): Promise<void>;
};

export async function createPgDeviceRegistry(pool: pg.Pool, { url, onListenerError = () => undefined }: PgDeviceRegistryOptions): Promise<PgDeviceRegistry> {
  const byId = new Map<string, DeviceCredentials>();
  let listener: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let retryMs = FIRST_RETRY_MS;
  let closed = false;

  // Devices are never changed nor removed once provisioned, so the view only ever gains entries:
  // a reload adds what it finds, and cannot undo an insert this node made while it ran.
  async function loadAll(): Promise<void> {
    const { rows } = await pool.query<DeviceRow>('SELECT * FROM devices ORDER BY id COLLATE "C"');
    for (const row of rows) if (!byId.has(row.id)) byId.set(row.id, toCredentials(row));
  }

  async function fetchOne(id: string): Promise<DeviceCredentials | undefined> {
    const { rows } = await pool.query<DeviceRow>('SELECT * FROM devices WHERE id = $1', [id]);
    if (!rows[0]) return undefined;
    const found = byId.get(id) ?? toCredentials(rows[0]);
    byId.set(id, found);
    return found;
  }

  function heard(id: string): void {
    if (byId.has(id)) return;
    fetchOne(id).catch(onListenerError);
  }

  /** Connects, LISTENs, then (re)loads the view: a device committed in between is both notified and loaded, never missed. */
  async function listen(): Promise<void> {
    const client = new pg.Client({ connectionString: url, keepAlive: true, application_name: 'heatwatch device listener' });
    // Without an 'error' listener a dropped connection would crash the process.
    client.on('error', onListenerError);
    client.on('notification', (n) => {
      if (n.payload) heard(n.payload);
    });
    let ended = false;
    client.on('end', () => {
      ended = true;
      if (listener !== client) return;
      listener = undefined;
      reconnectLater();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      await loadAll();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    // Lost while the view was loading: what it would have heard since is unknown, so start over.
    if (ended) throw new Error('the listening connection was lost while loading devices');
    if (closed) {
      await client.end();
      return;
    }
    listener = client;
  }

  function reconnectLater(): void {
    if (closed) return;
    retry = setTimeout(() => {
      listen().then(
        () => void (retryMs = FIRST_RETRY_MS),
        (err: Error) => {
          onListenerError(err);
          retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
          reconnectLater();
        },
      );
    }, retryMs);
  }

  await listen();

  return {
    async insert(device, secretHash) {
      try {
        await inTransaction(pool, async (c) => {
          await c.query(
            `INSERT INTO devices (id, kind, name, lat, lng, address, room_type, substation_id, interval_sec, secret_hash, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
            [device.id, device.kind, device.name, device.lat, device.lng, device.address, device.roomType, device.substationId, device.intervalSec, secretHash, Date.parse(device.createdAt)],
          );
          // Delivered on COMMIT only: the other nodes never hear of a device that was rolled back.
          await c.query('SELECT pg_notify($1, $2)', [CHANNEL, device.id]);
        });
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new DuplicateDeviceError(device.id);
        throw err;
      }
      byId.set(device.id, { device, secretHash });
    },
    get: (id) => byId.get(id)?.device,
    // A device provisioned on another node a moment ago may connect before its notice arrives.
    credentials: async (id) => byId.get(id) ?? fetchOne(id),
    list: () => [...byId.values()].map((c) => c.device),
    count: () => byId.size,
    async loadLastStates() {
      const { rows } = await pool.query<{ device_id: string; last_ts: number; last_values: string; seen_at: number }>(
        'SELECT device_id, last_ts, last_values, seen_at FROM device_state',
      );
      return rows.map((r) => ({ deviceId: r.device_id, ts: r.last_ts, values: JSON.parse(r.last_values) as LastState['values'], seenAt: r.seen_at }));
    },
    async saveLastStates(states) {
      // One statement. The newest reading of a device by event time stays, whichever node saves
      // last (each node saves the readings it took); within a batch the last state of a device is
      // kept (ON CONFLICT may not touch a row twice). Rows are locked in id order, so two nodes
      // saving overlapping batches wait for each other instead of deadlocking.
      const latest = [...new Map(states.map((s) => [s.deviceId, s])).values()].sort((x, y) => (x.deviceId < y.deviceId ? -1 : 1));
      if (latest.length === 0) return;
      await pool.query(
        `INSERT INTO device_state (device_id, last_ts, last_values, seen_at)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[])
         ON CONFLICT (device_id) DO UPDATE SET
           last_ts = GREATEST(device_state.last_ts, excluded.last_ts),
           last_values = CASE WHEN excluded.last_ts >= device_state.last_ts THEN excluded.last_values ELSE device_state.last_values END,
           seen_at = GREATEST(device_state.seen_at, excluded.seen_at)`,
        [latest.map((s) => s.deviceId), latest.map((s) => s.ts), latest.map((s) => JSON.stringify(s.values)), latest.map((s) => s.seenAt)],
      );
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await listener?.end();
    },
  };
}
