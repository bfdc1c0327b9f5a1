/** Users (scrypt password hashes) and login sessions (SHA-256 of the bearer token) in PostgreSQL, shared by the nodes. */
import type pg from 'pg';
import type { Role } from '../../contracts/users.ts';
import { DuplicateUserError, type UserStore } from '../../ports/user-store.ts';
import { toUser, type UserRow } from '../sqlite/sqlite-user-store.ts';
import { inTransaction } from './pg-transaction.ts';

/** The digests of the sessions a statement ended (DELETE … RETURNING token_hash). */
const digests = (r: pg.QueryResult<{ token_hash: string }>) => r.rows.map((row) => row.token_hash);

export function createPgUserStore(pool: pg.Pool, clock: () => number = Date.now): UserStore {
  const find = async (username: string) => {
    const { rows } = await pool.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
    return rows[0] && { user: toUser(rows[0]), passwordHash: rows[0].password_hash };
  };
  return {
    upsert(user, passwordHash) {
      return inTransaction(pool, async (c) => {
        const now = clock();
        const { rows } = await c.query<UserRow>(
          `INSERT INTO users (username, password_hash, role, display_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
           ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role, updated_at = excluded.updated_at
           RETURNING *`,
          [user.username, passwordHash, user.role, user.displayName, now],
        );
        // A reset password ends every session opened with the old one.
        await c.query('DELETE FROM sessions WHERE username = $1', [user.username]);
        return toUser(rows[0]!);
      });
    },
    async insert(user, passwordHash) {
      const now = clock();
      try {
        const { rows } = await pool.query<UserRow>(
          `INSERT INTO users (username, password_hash, role, display_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING *`,
          [user.username, passwordHash, user.role, user.displayName, now],
        );
        return toUser(rows[0]!);
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new DuplicateUserError(user.username);
        throw err;
      }
    },
    find,
    async list() {
      // COLLATE "C": byte order, as SQLite sorts, whatever the server's locale.
      const { rows } = await pool.query<UserRow>('SELECT * FROM users ORDER BY username COLLATE "C"');
      return rows.map(toUser);
    },
    async createSession(s) {
      await pool.query('INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES ($1, $2, $3, $4)', [s.tokenDigest, s.username, clock(), s.expiresAt]);
    },
    async findSession(tokenDigest, now) {
      const { rows } = await pool.query<{ token_hash: string; username: string; expires_at: number; role: Role }>(
        `SELECT s.token_hash, s.username, s.expires_at, u.role FROM sessions s JOIN users u USING (username)
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL`,
        [tokenDigest, now],
      );
      const row = rows[0];
      return row && { tokenDigest: row.token_hash, username: row.username, role: row.role, expiresAt: row.expires_at };
    },
    async deleteSession(digest) {
      await pool.query('DELETE FROM sessions WHERE token_hash = $1', [digest]);
    },
    setPasswordHash(username, passwordHash, keepSession) {
      return inTransaction(pool, async (c) => {
        await c.query('UPDATE users SET password_hash = $1, updated_at = $2 WHERE username = $3', [passwordHash, clock(), username]);
        // RETURNING reports exactly what was deleted, a session opened meanwhile on another node included.
        return digests(await c.query('DELETE FROM sessions WHERE username = $1 AND token_hash <> $2 RETURNING token_hash', [username, keepSession ?? '']));
      });
    },
    async replaceHash(username, passwordHash) {
      await pool.query('UPDATE users SET password_hash = $1, updated_at = $2 WHERE username = $3', [passwordHash, clock(), username]);
    },
    async setDisabled(username, disabled) {
      if (!disabled) {
        await pool.query('UPDATE users SET disabled_at = NULL, updated_at = $1 WHERE username = $2', [clock(), username]);
        return [];
      }
      return inTransaction(pool, async (c) => {
        const now = clock();
        await c.query('UPDATE users SET disabled_at = $1, updated_at = $1 WHERE username = $2', [now, username]);
        return digests(await c.query('DELETE FROM sessions WHERE username = $1 RETURNING token_hash', [username]));
      });
    },
    update(username, { displayName, role }) {
      return inTransaction(pool, async (c) => {
        if (displayName !== undefined) await c.query('UPDATE users SET display_name = $1, updated_at = $2 WHERE username = $3', [displayName, clock(), username]);
        if (role === undefined) return [];
        // The role's condition in the UPDATE itself: of two nodes setting one role, one changes it and ends the sessions.
        const changed = await c.query('UPDATE users SET role = $1, updated_at = $2 WHERE username = $3 AND role <> $1', [role, clock(), username]);
        if (changed.rowCount !== 1) return [];
        return digests(await c.query('DELETE FROM sessions WHERE username = $1 RETURNING token_hash', [username]));
      });
    },
    async purgeExpiredSessions(now) {
      return (await pool.query('DELETE FROM sessions WHERE expires_at <= $1', [now])).rowCount ?? 0;
    },
  };
}
