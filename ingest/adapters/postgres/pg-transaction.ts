/**
 * A PostgreSQL transaction on one pooled connection: what a SQLite store runs in `db.transaction`
 * (several statements that stand or fall together) a PostgreSQL store runs in `inTransaction`.
 */
import type pg from 'pg';

/**
 * A connection taken out of the pool for several statements. While it is out, pg gives the
 * connection's 'error' event (PostgreSQL ended it: a restart, a failover) no listener — an
 * uncaught exception that would stop the whole node. `failure()` is that error, if one came;
 * `release()` hands the connection back, or drops it when it failed.
 */
export async function checkOut(pool: pg.Pool): Promise<{ client: pg.PoolClient; failure: () => Error | undefined; release: (err?: Error) => void }> {
  const client = await pool.connect();
  let failed: Error | undefined;
  const onError = (err: Error) => void (failed ??= err);
  client.on('error', onError);
  return {
    client,
    failure: () => failed,
    release(err) {
      client.off('error', onError);
      client.release(err ?? failed);
    },
  };
}

/**
 * Runs `work` between BEGIN and COMMIT on one client; if it throws, rolls back and rethrows its
 * error. A statement that fails aborts the whole transaction in PostgreSQL, so `work` lets the
 * error out and the caller decides what it means (a duplicate, say) once the rollback is done.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const { client, failure, release } = await checkOut(pool);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that could not even roll back is dropped, not handed to the next caller.
    if (!failure()) await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
    throw err;
  } finally {
    release(broken);
  }
}
