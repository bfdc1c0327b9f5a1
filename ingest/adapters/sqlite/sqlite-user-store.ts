/** Users (scrypt password hashes) and login sessions (SHA-256 of the bearer token) in SQLite. */
import type { Role, User } from '../../contracts/users.ts';
import { DuplicateUserError, type Session, type UserStore } from '../../ports/user-store.ts';
import type { Db } from './open-database.ts';
import { asynchronous } from './asynchronous.ts';

export interface UserRow {
  username: string;
  password_hash: string;
  role: Role;
  display_name: string;
  created_at: number;
  disabled_at: number | null;
}

export const toUser = (r: UserRow): User => ({
  username: r.username,
  role: r.role,
  displayName: r.display_name,
  createdAt: new Date(r.created_at).toISOString(),
  disabled: r.disabled_at !== null,
});

export function createSqliteUserStore(db: Db, clock: () => number = Date.now): UserStore {
  const insertUser = db.prepare(
    `INSERT INTO users (username, password_hash, role, display_name, created_at, updated_at)
     VALUES (@username, @hash, @role, @displayName, @now, @now)`,
  );
  const upsertUser = db.prepare(
    `INSERT INTO users (username, password_hash, role, display_name, created_at, updated_at)
     VALUES (@username, @hash, @role, @displayName, @now, @now)
     ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role, updated_at = excluded.updated_at`,
  );
  const selectUser = db.prepare('SELECT * FROM users WHERE username = ?');
  const selectUsers = db.prepare('SELECT * FROM users ORDER BY username');
  const insertSession = db.prepare(
    'INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)',
  );
  const selectSession = db.prepare(
    `SELECT s.token_hash, s.username, s.expires_at, u.role FROM sessions s JOIN users u USING (username)
     WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
  );
  const deleteSession = db.prepare('DELETE FROM sessions WHERE token_hash = ?');
  const deleteSessionsOf = db.prepare('DELETE FROM sessions WHERE username = ?');
  const purge = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  const updatePassword = db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?');
  const updateDisabled = db.prepare('UPDATE users SET disabled_at = ?, updated_at = ? WHERE username = ?');
  const updateName = db.prepare('UPDATE users SET display_name = ?, updated_at = ? WHERE username = ?');
  const updateRole = db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE username = ?');
  const sessionsOf = db.prepare('SELECT token_hash FROM sessions WHERE username = ?');
  const deleteOtherSessions = db.prepare('DELETE FROM sessions WHERE username = ? AND token_hash != ?');

  const find = (username: string) => {
    const row = selectUser.get(username) as UserRow | undefined;
    return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined;
  };

  return asynchronous<UserStore>({
    upsert(user, passwordHash) {
      db.transaction(() => {
        upsertUser.run({ ...user, hash: passwordHash, now: clock() });
        // A reset password ends every session opened with the old one.
        deleteSessionsOf.run(user.username);
      })();
      return find(user.username)!.user;
    },
    insert(user, passwordHash) {
      try {
        insertUser.run({ ...user, hash: passwordHash, now: clock() });
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateUserError(user.username);
        throw err;
      }
      return find(user.username)!.user;
    },
    find,
    list: () => (selectUsers.all() as UserRow[]).map(toUser),
    createSession(s) {
      insertSession.run(s.tokenDigest, s.username, clock(), s.expiresAt);
    },
    findSession(tokenDigest, now) {
      const row = selectSession.get(tokenDigest, now) as
        | { token_hash: string; username: string; expires_at: number; role: Role }
        | undefined;
      return row && { tokenDigest: row.token_hash, username: row.username, role: row.role, expiresAt: row.expires_at };
    },
    deleteSession: (digest) => void deleteSession.run(digest),
    setPasswordHash(username, passwordHash, keepSession) {
      return db.transaction(() => {
        const ended = (sessionsOf.all(username) as { token_hash: string }[]).map((r) => r.token_hash).filter((d) => d !== keepSession);
        updatePassword.run(passwordHash, clock(), username);
        deleteOtherSessions.run(username, keepSession ?? '');
        return ended;
      })();
    },
    replaceHash: (username, passwordHash) => void updatePassword.run(passwordHash, clock(), username),
    setDisabled(username, disabled) {
      return db.transaction(() => {
        const ended = disabled ? (sessionsOf.all(username) as { token_hash: string }[]).map((r) => r.token_hash) : [];
        updateDisabled.run(disabled ? clock() : null, clock(), username);
        if (disabled) deleteSessionsOf.run(username);
        return ended;
      })();
    },
    update(username, { displayName, role }) {
      return db.transaction(() => {
        if (displayName !== undefined) updateName.run(displayName, clock(), username);
        const before = find(username)?.user.role;
        if (role === undefined || role === before) return [];
        const ended = (sessionsOf.all(username) as { token_hash: string }[]).map((r) => r.token_hash);
        updateRole.run(role, clock(), username);
        deleteSessionsOf.run(username);
        return ended;
      })();
    },
    purgeExpiredSessions: (now) => purge.run(now).changes,
  });
}
