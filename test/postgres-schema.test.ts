/**
 * The PostgreSQL schema (issue 18, first part) against the machine's PostgreSQL (127.0.0.1:5432 as
 * on every dev and CI machine, role heatwatch/heatwatch that .ci/run creates;
 * `HEATWATCH_TEST_PG_ADMIN_URL` to use another): on a database of its own, three nodes starting at
 * once apply each migration exactly once, and every table and column of the SQLite file exists in
 * PostgreSQL with a matching kind of type — the two stores can then serve one set of ports. The one-open-ticket-per-rule index holds across connections.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { migratePostgres, PG_MIGRATIONS } from '../ingest/adapters/postgres/pg-database.ts';
import { tempDir } from './support/heatwatch.ts';

const ADMIN_URL = process.env.HEATWATCH_TEST_PG_ADMIN_URL ?? 'postgres://heatwatch:heatwatch@127.0.0.1:5432/postgres';
const NAME = `heatwatch_test_${randomUUID().replaceAll('-', '')}`;
const url = () => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${NAME}`;
  return u.toString();
};

let admin: pg.Client;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${NAME}`);
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await admin?.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
  await admin?.end();
});

/** SQLite's declared type → the kind of PostgreSQL type that must hold it. */
const KIND: Record<string, string[]> = {
  INTEGER: ['bigint', 'integer'],
  REAL: ['double precision'],
  TEXT: ['text'],
  BLOB: ['bytea'],
};

describe('the PostgreSQL schema', () => {
  it('is applied once when three nodes start at the same moment, and not again', async () => {
    const nodes = [0, 1, 2].map(() => {
      const pool = new pg.Pool({ connectionString: url(), max: 2 });
      // The database is dropped (FORCE) at the end: a connection still closing then is told so.
      pool.on('error', () => undefined);
      return pool;
    });
    pools.push(...nodes);
    const applied = await Promise.all(nodes.map((p) => migratePostgres(p)));
    expect(applied.reduce((a, b) => a + b, 0)).toBe(PG_MIGRATIONS.length);
    expect(await migratePostgres(nodes[0]!)).toBe(0);
    const versions = await nodes[0]!.query('SELECT version FROM heatwatch_migrations ORDER BY version');
    expect(versions.rows.map((r: { version: number }) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
  });

  it('has every table and column of the SQLite file, each with a matching kind of type', async () => {
    const sqlite = openDatabase(tempDir());
    const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
    const pool = pools[0]!;
    const columns = await pool.query<{ table_name: string; column_name: string; data_type: string }>(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const inPg = new Map(columns.rows.map((c) => [`${c.table_name}.${c.column_name}`, c.data_type]));
    const missing: string[] = [];
    const mistyped: string[] = [];
    for (const table of tables) {
      for (const col of sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; type: string }[]) {
        const type = inPg.get(`${table}.${col.name}`);
        if (type === undefined) missing.push(`${table}.${col.name}`);
        else if (!(KIND[col.type.toUpperCase()] ?? []).includes(type)) mistyped.push(`${table}.${col.name}: ${col.type} → ${type}`);
      }
    }
    sqlite.close();
    expect(tables.length).toBeGreaterThan(15);
    expect(missing).toEqual([]);
    expect(mistyped).toEqual([]);
  });

  it('refuses a second open ticket for one device and rule, from another connection too', async () => {
    const [a, b] = [pools[1]!, pools[2]!];
    const insert = (pool: pg.Pool, id: string) =>
      pool.query("INSERT INTO tickets (id, type, status, source, rule, device_id, description, opened_at, updated_at) VALUES ($1, 'room_temp_low', 'open', 'rule', 'room_low', 'R-1', '', 1, 1)", [id]);
    await insert(a, 'T-000001');
    await expect(insert(b, 'T-000002')).rejects.toMatchObject({ code: '23505' });
    await b.query("UPDATE tickets SET status = 'closed' WHERE id = 'T-000001'");
    await expect(insert(b, 'T-000002')).resolves.toMatchObject({ rowCount: 1 });
  });
});
