/**
 * PostgreSQL for the tests: the machine's server (CI starts it, .ci/run), a database of its own
 * per call, created empty or migrated as a node would, dropped when the test file ends.
 * `HEATWATCH_TEST_PG_ADMIN_URL` points elsewhere (a role allowed to create databases).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openPostgres } from '../../ingest/adapters/postgres/pg-database.ts';

export const PG_ADMIN_URL = process.env.HEATWATCH_TEST_PG_ADMIN_URL ?? 'postgres://heatwatch:heatwatch@127.0.0.1:5432/postgres';

const cleanups: (() => Promise<void>)[] = [];
// Registered as the test file imports this module (a hook added while a test runs would be lost,
// and with it the drops).
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Runs `cleanup` after the file's tests, newest first (with the databases' drops). */
export function afterFile(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

/** A new, empty database; its URL. Dropped (connections and all) after the file. */
export async function pgDatabase(): Promise<string> {
  const name = `heatwatch_test_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  afterFile(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database of its own, migrated as a node would, and a pool on it (ended after the file). */
export async function pgPool(): Promise<{ pool: pg.Pool; url: string }> {
  const url = await pgDatabase();
  const pool = await openPostgres(url, () => undefined);
  afterFile(() => pool.end());
  return { pool, url };
}

/** Two nodes on one database of their own: a pool each (the second also ended after the file). */
export async function pgTwoPools(): Promise<{ pool: pg.Pool; other: pg.Pool; url: string }> {
  const { pool, url } = await pgPool();
  const other = new pg.Pool({ connectionString: url });
  other.on('error', () => undefined);
  afterFile(() => other.end());
  return { pool, other, url };
}
