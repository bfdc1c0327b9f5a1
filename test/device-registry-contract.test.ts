/**
 * One contract, two registries (issue 18): provisioned devices and their last states as ingest,
 * the broker and the API rely on them, on SQLite (a file of its own) and PostgreSQL (a database
 * of its own, migrated as a node would). PostgreSQL also with several nodes: what one provisions
 * reaches the others' views, one id is taken once, and a view keeps up across a lost connection.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Device } from '../ingest/contracts/devices.ts';
import { createPgDeviceRegistry } from '../ingest/adapters/postgres/pg-device-registry.ts';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteDeviceRegistry } from '../ingest/adapters/sqlite/sqlite-device-registry.ts';
import { DuplicateDeviceError, type DeviceRegistry, type LastState } from '../ingest/ports/device-registry.ts';
import { tempDir } from './support/heatwatch.ts';
import { afterFile, pgPool } from './support/postgres.ts';

const T = Date.parse('2026-12-10T08:00:00+08:00');
const ROOM: Device = {
  id: 'room-0001', kind: 'room', name: '幸福里 3-2-401 卧室', lat: 39.912345, lng: 116.401234, address: '幸福里小区3号楼2单元401',
  roomType: 'bedroom', substationId: 'sub-01', intervalSec: 900, createdAt: new Date(T).toISOString(),
};
const SUBSTATION: Device = {
  id: 'sub-01', kind: 'substation', name: '一号换热站', lat: 39.9, lng: 116.41, address: '',
  roomType: null, substationId: null, intervalSec: 30, createdAt: new Date(T + 1000).toISOString(),
};
const room = (id: string): Device => ({ ...ROOM, id, name: `${ROOM.name} ${id}` });

/** One database; registries on it are nodes (or one node starting again). */
interface Rig {
  open(): Promise<DeviceRegistry>;
  /** A device written by another process that tells no one: a standalone broker's file, a node without notices. */
  insertQuietly(device: Device, secretHash: string): Promise<void>;
}

const COLUMNS = 'id, kind, name, lat, lng, address, room_type, substation_id, interval_sec, secret_hash, created_at, updated_at';
const columnValues = (d: Device, secretHash: string) => {
  const at = Date.parse(d.createdAt);
  return [d.id, d.kind, d.name, d.lat, d.lng, d.address, d.roomType, d.substationId, d.intervalSec, secretHash, at, at];
};

async function sqliteRig(): Promise<Rig> {
  const db = openDatabase(tempDir());
  const insert = db.prepare(`INSERT INTO devices (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return {
    open: async () => createSqliteDeviceRegistry(db),
    insertQuietly: async (d, h) => void insert.run(...columnValues(d, h)),
  };
}

async function postgresRig(onListenerError: (err: Error) => void = () => undefined) {
  const { pool, url } = await pgPool();
  return {
    pool,
    url,
    async open() {
      const registry = await createPgDeviceRegistry(pool, { url, onListenerError });
      afterFile(() => registry.close());
      return registry;
    },
    async insertQuietly(d: Device, h: string) {
      await pool.query(`INSERT INTO devices (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, columnValues(d, h));
    },
  };
}

/** Waits for what another node does, polling until `done` or failing at the deadline. */
async function until(done: () => boolean, deadlineMs = 15_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const byDevice = (states: LastState[]) => [...states].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1));

describe.each<[string, () => Promise<Rig>]>([
  ['SQLite', sqliteRig],
  ['PostgreSQL', () => postgresRig()],
])('the device registry on %s', (_name, makeRig) => {
  it('provisions a device once and answers it from the view', async () => {
    const registry = await (await makeRig()).open();
    expect(registry.list()).toEqual([]);
    expect(registry.count()).toBe(0);
    await registry.insert(ROOM, 'room-secret');
    await registry.insert(SUBSTATION, 'sub-secret');
    expect(registry.get(ROOM.id)).toEqual(ROOM);
    expect(await registry.credentials(SUBSTATION.id)).toEqual({ device: SUBSTATION, secretHash: 'sub-secret' });
    expect(registry.list()).toEqual([ROOM, SUBSTATION]);
    expect(registry.count()).toBe(2);
    const taken = registry.insert({ ...SUBSTATION, name: '别的站' }, 'other-secret');
    await expect(taken).rejects.toBeInstanceOf(DuplicateDeviceError);
    await expect(taken).rejects.toMatchObject({ code: 'HW_DEVICE_EXISTS', deviceId: SUBSTATION.id });
    expect(await registry.credentials(SUBSTATION.id)).toEqual({ device: SUBSTATION, secretHash: 'sub-secret' });
    expect(registry.count()).toBe(2);
    expect(registry.get('nope')).toBeUndefined();
    expect(await registry.credentials('nope')).toBeUndefined();
    expect(registry.count()).toBe(2);
  });

  it('starting again, loads every device as stored, in byte order of the ids', async () => {
    const rig = await makeRig();
    const first = await rig.open();
    for (const id of ['room-b', 'room_a', 'Room-c', 'room-a']) await first.insert(room(id), `secret-${id}`);
    await first.insert(SUBSTATION, 'sub-secret');
    const again = await rig.open();
    expect(again.list().map((d) => d.id)).toEqual(['Room-c', 'room-a', 'room-b', 'room_a', 'sub-01']);
    expect(again.list()).toEqual(['Room-c', 'room-a', 'room-b', 'room_a'].map(room).concat(SUBSTATION));
    expect(await again.credentials('room_a')).toEqual({ device: room('room_a'), secretHash: 'secret-room_a' });
    expect(again.count()).toBe(5);
  });

  it('asks the database for credentials it has not heard of, and keeps the answer in the view', async () => {
    const rig = await makeRig();
    const registry = await rig.open();
    await rig.insertQuietly(ROOM, 'room-secret');
    expect(await registry.credentials(ROOM.id)).toEqual({ device: ROOM, secretHash: 'room-secret' });
    expect(registry.get(ROOM.id)).toEqual(ROOM);
    expect(registry.list()).toEqual([ROOM]);
    expect(registry.count()).toBe(1);
  });

  it('keeps the last state of each device: the newest reading, whichever is saved last, and the latest sign of life', async () => {
    const registry = await (await makeRig()).open();
    expect(await registry.loadLastStates()).toEqual([]);
    await registry.saveLastStates([]);
    expect(await registry.loadLastStates()).toEqual([]);
    const roomState: LastState = { deviceId: ROOM.id, ts: T, values: { temp: 17.25, humidity: 41, battery: 3.01, rssi: -71 }, seenAt: T + 2000 };
    const subState: LastState = { deviceId: SUBSTATION.id, ts: T + 30_000, values: { supplyTemp: 78.4, returnTemp: 52.1, flow: 120.5 }, seenAt: T + 31_000 };
    await registry.saveLastStates([roomState, subState]);
    expect(byDevice(await registry.loadLastStates())).toEqual([roomState, subState]);
    const later = { ...roomState, ts: T + 900_000, values: { temp: 18.5 }, seenAt: T + 901_000 };
    const latest = { ...later, ts: T + 1_800_000, seenAt: T + 1_801_000 };
    await registry.saveLastStates([later, latest]);
    expect(byDevice(await registry.loadLastStates())).toEqual([latest, subState]);
    // Another node saves an older reading of the room it heard later: the reading stays, the sign of life moves on.
    await registry.saveLastStates([{ ...later, seenAt: T + 1_900_000 }]);
    expect(byDevice(await registry.loadLastStates())).toEqual([{ ...latest, seenAt: T + 1_900_000 }, subState]);
  });
});

describe('the device registry on PostgreSQL, several nodes', () => {
  it('shows a device provisioned on one node in the others’ views', async () => {
    const rig = await postgresRig();
    const [a, b] = [await rig.open(), await rig.open()];
    await a.insert(ROOM, 'room-secret');
    await until(() => b.get(ROOM.id) !== undefined);
    expect(b.get(ROOM.id)).toEqual(ROOM);
    expect(b.list()).toEqual([ROOM]);
    expect(b.count()).toBe(1);
    expect(await b.credentials(ROOM.id)).toEqual({ device: ROOM, secretHash: 'room-secret' });
    await b.insert(SUBSTATION, 'sub-secret');
    await until(() => a.count() === 2);
    expect(a.list()).toEqual([ROOM, SUBSTATION]);
  });

  it('provisions an id on exactly one of two nodes, and both views end with the winner', async () => {
    const rig = await postgresRig();
    const other = new pg.Pool({ connectionString: rig.url });
    other.on('error', () => undefined);
    afterFile(() => other.end());
    const a = await rig.open();
    const b = await createPgDeviceRegistry(other, { url: rig.url });
    afterFile(() => b.close());
    for (let i = 0; i < 10; i++) {
      const id = `room-${i}`;
      const results = await Promise.allSettled([a.insert({ ...room(id), name: 'A' }, 'a'), b.insert({ ...room(id), name: 'B' }, 'b')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(DuplicateDeviceError);
      const winner = results[0].status === 'fulfilled' ? 'A' : 'B';
      await until(() => a.get(id) !== undefined && b.get(id) !== undefined);
      expect([a.get(id)?.name, b.get(id)?.name]).toEqual([winner, winner]);
    }
    expect([a.count(), b.count()]).toEqual([10, 10]);
  });

  it('keeps the views current across lost listening connections: reloads, then hears again', async () => {
    const lost: Error[] = [];
    const rig = await postgresRig((err) => lost.push(err));
    const [a, b] = [await rig.open(), await rig.open()];
    // Provisioned with no notice: only B's reload, once it has reconnected, can bring it into its list.
    await rig.insertQuietly(SUBSTATION, 'sub-secret');
    const killed = await rig.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    expect(killed.rowCount).toBe(2);
    await until(() => b.get(SUBSTATION.id) !== undefined && a.get(SUBSTATION.id) !== undefined);
    expect(lost.map((e) => (e as Error & { code?: string }).code)).toContain('57P01');
    await a.insert(ROOM, 'room-secret');
    await until(() => b.get(ROOM.id) !== undefined);
    expect(b.list()).toEqual([SUBSTATION, ROOM]);
  });

  it('keeps trying while the database turns it away, and catches up once it lets it in', async () => {
    const lost: (Error & { code?: string })[] = [];
    const rig = await postgresRig((err) => lost.push(err));
    const registry = await rig.open();
    // A connection of the test's own, open before the doors close: the registry's pool may have none left idle.
    const dba = new pg.Client({ connectionString: rig.url });
    await dba.connect();
    afterFile(() => dba.end());
    const database = (await dba.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
    await dba.query(`ALTER DATABASE ${database} CONNECTION LIMIT 0`);
    await dba.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`);
    await dba.query(`INSERT INTO devices (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, columnValues(ROOM, 'room-secret'));
    await until(() => lost.filter((e) => e.code === '53300').length >= 2);
    expect(registry.get(ROOM.id)).toBeUndefined();
    await dba.query(`ALTER DATABASE ${database} CONNECTION LIMIT -1`);
    await until(() => registry.get(ROOM.id) !== undefined);
    expect(registry.list()).toEqual([ROOM]);
  });

  it('saves overlapping batches from two nodes at once without deadlock, each state whole', async () => {
    const rig = await postgresRig();
    const other = new pg.Pool({ connectionString: rig.url });
    other.on('error', () => undefined);
    afterFile(() => other.end());
    const a = await rig.open();
    const b = await createPgDeviceRegistry(other, { url: rig.url });
    afterFile(() => b.close());
    // A fleet's worth: with fewer rows the two statements rarely overlap long enough to deadlock.
    const ids = Array.from({ length: 1000 }, (_, i) => `room-${String(i).padStart(4, '0')}`);
    const batch = (node: number, order: string[]) => order.map((deviceId) => ({ deviceId, ts: T + node, values: { temp: node }, seenAt: T + node }));
    for (let round = 0; round < 5; round++) {
      await Promise.all([a.saveLastStates(batch(1, ids)), b.saveLastStates(batch(2, [...ids].reverse()))]);
      const states = await a.loadLastStates();
      expect(states).toHaveLength(1000);
      for (const s of states) expect([batch(1, [s.deviceId])[0], batch(2, [s.deviceId])[0]]).toContainEqual(s);
    }
  });
});
