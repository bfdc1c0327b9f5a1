import type { Role, User } from '../contracts/users.ts';

export interface Session {
  tokenDigest: string;
  username: string;
  role: Role;
  expiresAt: number;
}

export interface UserStore {
  /** Creates the user, or replaces its password and role when it exists. */
  upsert(user: { username: string; role: Role; displayName: string }, passwordHash: string): User;
  /** Throws DuplicateUserError when taken. */
  insert(user: { username: string; role: Role; displayName: string }, passwordHash: string): User;
  find(username: string): { user: User; passwordHash: string } | undefined;
  list(): User[];
  createSession(session: Session): void;
  findSession(tokenDigest: string, now: number): Session | undefined;
  deleteSession(tokenDigest: string): void;
  purgeExpiredSessions(now: number): number;
}

export class DuplicateUserError extends Error {
  constructor(readonly username: string) {
    super(`user ${username} already exists`);
    this.name = 'DuplicateUserError';
  }
}
