import type { Role, User } from '../contracts/users.ts';
import { AppError } from '../errors.ts';

export interface Session {
  tokenDigest: string;
  username: string;
  role: Role;
  expiresAt: number;
}

export interface UserStore {
  /** Creates the user, or replaces its password and role when it exists. */
  upsert(user: { username: string; role: Role; displayName: string }, passwordHash: string): Promise<User>;
  /** Throws DuplicateUserError when taken. */
  insert(user: { username: string; role: Role; displayName: string }, passwordHash: string): Promise<User>;
  find(username: string): Promise<{ user: User; passwordHash: string } | undefined>;
  list(): Promise<User[]>;
  createSession(session: Session): Promise<void>;
  findSession(tokenDigest: string, now: number): Promise<Session | undefined>;
  deleteSession(tokenDigest: string): Promise<void>;
  /** Replaces the password; ends every session but `keepSession`; returns the ended ones' digests. */
  setPasswordHash(username: string, passwordHash: string, keepSession?: string): Promise<string[]>;
  /** The same password hashed anew (a higher cost): sessions are untouched. */
  replaceHash(username: string, passwordHash: string): Promise<void>;
  /** Disables (ending every session, whose digests it returns) or enables an account. */
  setDisabled(username: string, disabled: boolean): Promise<string[]>;
  /** Renames or re-roles an account; a new role ends its sessions (which carry the role), whose digests it returns. */
  update(username: string, patch: { displayName?: string; role?: Role }): Promise<string[]>;
  purgeExpiredSessions(now: number): Promise<number>;
}

export class DuplicateUserError extends AppError {
  constructor(readonly username: string) {
    super('HW_USER_EXISTS', `user ${username} already exists`);
  }
}
