/**
 * A PostgreSQL transaction on one pooled connection: what a SQLite store runs in `db.transaction`
 * (several statements that stand or fall together) a PostgreSQL store runs in `inTransaction`.
 */
import type pg from 'pg';

/**
 * Runs `work` between BEGIN and COMMIT on one client; if it throws, rolls back and rethrows its
 * error. A statement that fails aborts the whole transaction in PostgreSQL, so `work` lets the
 * error out and the caller decides what it means (a duplicate, say) once the rollback is done.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
    throw err;
  } finally {
    // A connection that could not even roll back is dropped, not handed to the next caller.
    client.release(broken);
  }
}
