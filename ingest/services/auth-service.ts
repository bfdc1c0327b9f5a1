/**
 * Logins, sessions and users. Passwords are scrypt-hashed; bearer tokens are random and stored
 * only as SHA-256; sessions expire. HEATWATCH_ADMIN_PASSWORD creates or resets `admin` at start;
 * there is no default password.
 */
import type { LoginResponse, Role, User } from '../contracts/users.ts';
import { AppError } from '../errors.ts';
import { DuplicateUserError, type Session, type UserStore } from '../ports/user-store.ts';
import { PASSWORD_COST, decoy, hashSecret, newToken, tokenDigest, verifySecret } from '../security/secrets.ts';

export interface AuthServiceDeps {
  users: UserStore;
  tokenTtlMs: number;
  clock?: () => number;
}

export function createAuthService({ users, tokenTtlMs, clock = Date.now }: AuthServiceDeps) {
  const cache = new Map<string, Session>();
  const endedListeners: ((tokenDigest: string) => void)[] = [];

  return {
    /**
     * Creates `admin`, or resets its password when it differs from the stored one (which ends
     * its sessions). The same password at every restart changes nothing and logs nobody out.
     */
    async bootstrapAdmin(password: string): Promise<{ user: User; changed: boolean }> {
      const existing = users.find('admin');
      if (existing && existing.user.role === 'admin' && (await verifySecret(password, existing.passwordHash))) {
        return { user: existing.user, changed: false };
      }
      const user = users.upsert({ username: 'admin', role: 'admin', displayName: '管理员' }, await hashSecret(password, PASSWORD_COST));
      return { user, changed: true };
    },

    async createUser(input: { username: string; password: string; role: Role; displayName: string }): Promise<User> {
      const hash = await hashSecret(input.password, PASSWORD_COST);
      try {
        return users.insert(input, hash);
      } catch (err) {
        if (err instanceof DuplicateUserError) throw new AppError('HW_USER_EXISTS');
        throw err;
      }
    },

    listUsers: (): User[] => users.list(),

    async login(username: string, password: string): Promise<LoginResponse> {
      const found = users.find(username);
      const ok = await verifySecret(password, found?.passwordHash ?? (await decoy(PASSWORD_COST)));
      if (!found || !ok) throw new AppError('HW_BAD_CREDENTIALS');
      const token = newToken();
      const expiresAt = clock() + tokenTtlMs;
      const session: Session = { tokenDigest: tokenDigest(token), username, role: found.user.role, expiresAt };
      users.createSession(session);
      cache.set(session.tokenDigest, session);
      return { token, expiresAt: new Date(expiresAt).toISOString(), user: found.user };
    },

    /** The session behind a bearer token, or undefined when unknown or expired. */
    verify(token: string): Session | undefined {
      const digest = tokenDigest(token);
      const now = clock();
      const cached = cache.get(digest);
      if (cached) {
        if (cached.expiresAt > now) return cached;
        cache.delete(digest);
        return undefined;
      }
      const session = users.findSession(digest, now);
      if (session) cache.set(digest, session);
      return session;
    },

    logout(token: string): void {
      const digest = tokenDigest(token);
      cache.delete(digest);
      users.deleteSession(digest);
      for (const fn of endedListeners) fn(digest);
    },

    /** Live connections opened with a session close when it is logged out. */
    onSessionEnded(fn: (tokenDigest: string) => void): void {
      endedListeners.push(fn);
    },

    purgeExpired(): void {
      const now = clock();
      for (const [digest, s] of cache) if (s.expiresAt <= now) cache.delete(digest);
      users.purgeExpiredSessions(now);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
