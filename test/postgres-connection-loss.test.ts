/**
 * PostgreSQL ending a connection while HeatWatch holds it for a transaction (a restart, a
 * failover, an administrator): the transaction fails with the error, the connection is not handed
 * out again, and the process lives on. Seen in CI: a node whose database was stopped while it
 * opened a ticket died of the driver's 'error' event, which a pooled connection taken out of the
 * pool has no listener for.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../ingest/adapters/postgres/pg-transaction.ts';
import { migratePostgres } from '../ingest/adapters/postgres/pg-database.ts';
import { afterFile, pgDatabase, pgPool } from './support/postgres.ts';

async function terminate(admin: pg.Pool, pid: number): Promise<void> {
  const { rows } = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
  expect(rows[0]?.ok).toBe(true);
}

describe('a PostgreSQL connection ended under a transaction', () => {
  it('fails that transaction only; the pool serves the next one on a fresh connection', async () => {
    const { pool, url } = await pgPool();
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    afterFile(() => admin.end());
    let pid = 0;
    const failed = await inTransaction(pool, async (c) => {
      pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await terminate(admin, pid);
      // The server's FATAL message and the closed socket arrive between two statements, with no
      // query of ours running: what a ticket's transaction sees when PostgreSQL stops.
      await new Promise<void>((resolve) => c.once('end', resolve));
      await c.query('SELECT 1');
    }).then(
      () => null,
      (err: Error) => err,
    );
    expect(failed).toBeInstanceOf(Error);
    const next = await inTransaction(pool, async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    expect(next).not.toBe(pid);
  });

  it('fails a migration run the same way, and the next run applies what is left', async () => {
    const url = await pgDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => undefined);
    afterFile(() => pool.end());
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    afterFile(() => admin.end());
    // A long first migration: time to end its connection while it runs or right after.
    const slow = ['SELECT pg_sleep(0.5)', 'CREATE TABLE after_the_loss (id INTEGER)'];
    const running = migratePostgres(pool, slow).then(
      () => null,
      (err: Error) => err,
    );
    const pid = await (async () => {
      for (;;) {
        const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'");
        if (rows[0]) return rows[0].pid;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await terminate(admin, pid);
    expect(await running).toBeInstanceOf(Error);
    expect(await migratePostgres(pool, slow)).toBe(2);
  });
});
