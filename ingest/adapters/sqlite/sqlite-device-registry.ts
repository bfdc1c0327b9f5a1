/**
 * Device registry in SQLite with an in-memory index: authentication and ingest look a device
 * up per connection and per message, so reads never touch the disk. A miss falls back to the
 * file, which lets a standalone broker (`npm run broker`) see devices provisioned since it started.
 */
import type { Device, RoomType } from '../../contracts/devices.ts';
import type { DeviceKind } from '../../contracts/topics.ts';
import { DuplicateDeviceError, type DeviceCredentials, type DeviceRegistry, type LastState } from '../../ports/device-registry.ts';
import type { Db } from './open-database.ts';

export interface DeviceRow {
  id: string;
  kind: DeviceKind;
  name: string;
  lat: number;
  lng: number;
  address: string;
  room_type: RoomType | null;
  substation_id: string | null;
  interval_sec: number;
  secret_hash: string;
  created_at: number;
}

export function toCredentials(row: DeviceRow): DeviceCredentials {
  return {
    device: {
      id: row.id,
      kind: row.kind,
      name: row.name,
      lat: row.lat,
      lng: row.lng,
      address: row.address,
      roomType: row.room_type,
      substationId: row.substation_id,
      intervalSec: row.interval_sec,
      createdAt: new Date(row.created_at).toISOString(),
    },
    secretHash: row.secret_hash,
  };
}

export function createSqliteDeviceRegistry(db: Db): DeviceRegistry {
  const byId = new Map<string, DeviceCredentials>();
  const selectAll = db.prepare('SELECT * FROM devices ORDER BY id');
  const selectOne = db.prepare('SELECT * FROM devices WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO devices (id, kind, name, lat, lng, address, room_type, substation_id, interval_sec, secret_hash, created_at, updated_at)
     VALUES (@id, @kind, @name, @lat, @lng, @address, @roomType, @substationId, @intervalSec, @secretHash, @createdAt, @createdAt)`,
  );
  const selectStates = db.prepare('SELECT device_id, last_ts, last_values, seen_at FROM device_state');
  const upsertState = db.prepare(
    `INSERT INTO device_state (device_id, last_ts, last_values, seen_at) VALUES (?, ?, ?, ?)
     -- The newest reading by event time stays, whoever saves last (several nodes save theirs).
     ON CONFLICT (device_id) DO UPDATE SET
       last_ts = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last_ts ELSE last_ts END,
       last_values = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last_values ELSE last_values END,
       seen_at = MAX(seen_at, excluded.seen_at)`,
  );
  const saveStates = db.transaction((states: readonly LastState[]) => {
    for (const s of states) upsertState.run(s.deviceId, s.ts, JSON.stringify(s.values), s.seenAt);
  });

  for (const row of selectAll.all() as DeviceRow[]) byId.set(row.id, toCredentials(row));

  function lookup(id: string): DeviceCredentials | undefined {
    const cached = byId.get(id);
    if (cached) return cached;
    const row = selectOne.get(id) as DeviceRow | undefined;
    if (!row) return undefined;
    const found = toCredentials(row);
    byId.set(id, found);
    return found;
  }

  return {
    async insert(device, secretHash) {
      try {
        insert.run({ ...device, createdAt: Date.parse(device.createdAt), secretHash });
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateDeviceError(device.id);
        throw err;
      }
      byId.set(device.id, { device, secretHash });
    },
    get: (id) => lookup(id)?.device,
    credentials: async (id) => lookup(id),
    list: () => [...byId.values()].map((c) => c.device),
    count: () => byId.size,
    loadLastStates: async () =>
      (selectStates.all() as { device_id: string; last_ts: number; last_values: string; seen_at: number }[]).map((r) => ({
        deviceId: r.device_id,
        ts: r.last_ts,
        values: JSON.parse(r.last_values) as LastState['values'],
        seenAt: r.seen_at,
      })),
    saveLastStates: async (states) => {
      if (states.length > 0) saveStates(states);
    },
  };
}
