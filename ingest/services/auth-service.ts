/**
 * Logins, sessions and users. Passwords are scrypt-hashed; bearer tokens are random and stored
 * only as SHA-256; sessions expire. HEATWATCH_ADMIN_PASSWORD creates or resets `admin` at start;
 * there is no default password.
 */
import type { Logger } from 'pino';
import type { LoginResponse, Role, User, UserName } from '../contracts/users.ts';
import { AppError, ERRORS } from '../errors.ts';
import { DuplicateUserError, type Session, type UserStore } from '../ports/user-store.ts';
import { createLoginLockout } from '../core/accounts/login-lockout.ts';
import { passwordProblems } from '../core/accounts/password-policy.ts';
import { PASSWORD_COST, decoy, hashSecret, hashCostIs, newToken, tokenDigest, verifySecret } from '../security/secrets.ts';

/** Refuses a password the policy does not accept, naming every reason. */
export function checkPassword(password: string, username: string): void {
  const problems = passwordProblems(password, username);
  if (problems.length > 0) throw new AppError('HW_WEAK_PASSWORD', `password: ${problems.join('; ')}`);
}

/**
 * A session this node has seen is trusted from memory for this long, then read again: ended on
 * another node (a logout, a disabled account, a new password), it stops working here within it.
 * Ended on this node, it stops at once.
 */
const SESSION_RECHECK_MS = 5_000;

export interface AuthServiceDeps {
  users: UserStore;
  tokenTtlMs: number;
  clock?: () => number;
}

export function createAuthService({ users, tokenTtlMs, clock = Date.now }: AuthServiceDeps) {
  const cache = new Map<string, { session: Session; checkedAt: number }>();
  const endedListeners: ((tokenDigest: string) => void)[] = [];
  const lockout = createLoginLockout();
  const turns = new Map<string, Promise<unknown>>();

  /**
   * Runs `then` with the account once `password` proves right, under the lockout. One check per
   * account at a time, writes included: guesses sent all at once would otherwise all pass the
   * lockout before the first wrong one is counted, and a re-hash could undo a password change.
   */
  function withPassword<T>(username: string, password: string, wrong: string, then: (found: { user: User; passwordHash: string }) => Promise<T> | T): Promise<T> {
    const key = username.toLowerCase();
    const check = async (): Promise<T> => {
      const waitMs = lockout.lockedFor(username, clock());
      if (waitMs > 0) {
        const sec = Math.ceil(waitMs / 1000);
        throw new AppError('HW_ACCOUNT_LOCKED', `too many wrong passwords for this account: try again in ${sec} s`, { retryAfterSec: sec });
      }
      const found = await users.find(username);
      const ok = await verifySecret(password, found?.passwordHash ?? (await decoy(PASSWORD_COST)));
      if (!found || !ok) {
        lockout.failed(username, clock());
        throw new AppError('HW_BAD_CREDENTIALS', wrong);
      }
      lockout.succeeded(username);
      return then(found);
    };
    const turn = (turns.get(key) ?? Promise.resolve()).then(check, check);
    const done = turn.catch(() => undefined);
    turns.set(key, done);
    void done.then(() => turns.get(key) === done && turns.delete(key));
    return turn;
  }

  /** Sessions ended by a password change or a disabled account: gone from the cache and the live hub. */
  const ended = (digests: string[]) => {
    for (const digest of digests) {
      cache.delete(digest);
      for (const fn of endedListeners) fn(digest);
    }
  };

  /** Creates the user admin, or sets its password; `changed` is false when it already had it. */
  async function bootstrapAdmin(password: string): Promise<{ user: User; changed: boolean }> {
    const existing = await users.find('admin');
    if (existing && existing.user.role === 'admin' && (await verifySecret(password, existing.passwordHash))) {
      return { user: existing.user, changed: false };
    }
    const user = await users.upsert({ username: 'admin', role: 'admin', displayName: '管理员' }, await hashSecret(password, PASSWORD_COST));
    return { user, changed: true };
  }

  return {
    /**
     * Creates `admin`, or resets its password when it differs from the stored one (which ends
     * its sessions). The same password at every restart changes nothing and logs nobody out.
     */
    bootstrapAdmin,

    /**
     * At start: HEATWATCH_ADMIN_PASSWORD creates the user admin or resets its password; without
     * it and without any user nobody can log in, which is said.
     */
    async bootstrapFromEnv(password: string | undefined, log: Pick<Logger, 'info' | 'warn'>): Promise<void> {
      if (password) {
        if ((await bootstrapAdmin(password)).changed) log.info('user admin created, or its password reset, from HEATWATCH_ADMIN_PASSWORD');
      } else if ((await users.list()).length === 0) {
        log.warn('no users exist: set HEATWATCH_ADMIN_PASSWORD to create the admin account');
      }
    },

    async createUser(input: { username: string; password: string; role: Role; displayName: string }): Promise<User> {
      checkPassword(input.password, input.username);
      const hash = await hashSecret(input.password, PASSWORD_COST);
      try {
        return await users.insert(input, hash);
      } catch (err) {
        if (err instanceof DuplicateUserError) throw new AppError('HW_USER_EXISTS');
        throw err;
      }
    },

    listUsers: (): Promise<User[]> => users.list(),

    /** Everyone's name as shown (disabled accounts too: they still appear in old timelines). */
    names: async (): Promise<UserName[]> => (await users.list()).map((u) => ({ username: u.username, displayName: u.displayName })),

    /** The signed-in person's account, for the header. */
    async profile(username: string): Promise<User> {
      const found = await users.find(username);
      if (!found) throw new AppError('HW_NOT_FOUND', `no user ${username}`);
      return found.user;
    },

    /**
     * An admin renames someone or changes their role. A new role ends that person's sessions (the
     * role is checked per session). Admins cannot change their own role, so one admin always remains.
     */
    async updateUser(by: Session, username: string, patch: { displayName?: string; role?: Role }): Promise<User> {
      const target = await users.find(username);
      if (!target) throw new AppError('HW_NOT_FOUND', `no user ${username}`);
      if (patch.role !== undefined && patch.role !== target.user.role && username === by.username) throw new AppError('HW_CONFLICT', 'you cannot change your own role');
      ended(await users.update(username, patch));
      return (await users.find(username))!.user;
    },

    /**
     * An admin sets a new password for someone who lost theirs: the policy applies, and every
     * session of that person ends (the admin's own current one excepted, when they reset their own).
     */
    async resetPassword(by: Session, username: string, newPassword: string): Promise<User> {
      const target = await users.find(username);
      if (!target) throw new AppError('HW_NOT_FOUND', `no user ${username}`);
      checkPassword(newPassword, username);
      const keep = username === by.username ? by.tokenDigest : undefined;
      ended(await users.setPasswordHash(username, await hashSecret(newPassword, PASSWORD_COST), keep));
      return (await users.find(username))!.user;
    },

    /** A person changes their own password: the current one first, under the lockout as a login is; their other sessions end. */
    changePassword(session: Session, currentPassword: string, newPassword: string): Promise<void> {
      return withPassword(session.username, currentPassword, 'the current password is wrong', async () => {
        checkPassword(newPassword, session.username);
        ended(await users.setPasswordHash(session.username, await hashSecret(newPassword, PASSWORD_COST), session.tokenDigest));
      });
    },

    /** An admin disables (ending every session at once) or enables an account. */
    async setDisabled(by: Session, username: string, disabled: boolean): Promise<User> {
      const target = await users.find(username);
      if (!target) throw new AppError('HW_NOT_FOUND', `no user ${username}`);
      if (disabled && username === by.username) throw new AppError('HW_CONFLICT', 'you cannot disable your own account');
      const enabledAdmins = (await users.list()).filter((u) => u.role === 'admin' && !u.disabled);
      if (disabled && target.user.role === 'admin' && enabledAdmins.length <= 1) throw new AppError('HW_CONFLICT', 'the last enabled admin cannot be disabled');
      ended(await users.setDisabled(username, disabled));
      return (await users.find(username))!.user;
    },

    login(username: string, password: string): Promise<LoginResponse> {
      return withPassword(username, password, ERRORS.HW_BAD_CREDENTIALS.message, async (found) => {
        if (found.user.disabled) throw new AppError('HW_ACCOUNT_DISABLED');
        // A hash made at an older, cheaper cost is made again at today's, now that the password is known.
        if (!hashCostIs(found.passwordHash, PASSWORD_COST)) await users.replaceHash(username, await hashSecret(password, PASSWORD_COST));
        const token = newToken();
        const expiresAt = clock() + tokenTtlMs;
        const session: Session = { tokenDigest: tokenDigest(token), username, role: found.user.role, expiresAt };
        await users.createSession(session);
        cache.set(session.tokenDigest, { session, checkedAt: clock() });
        return { token, expiresAt: new Date(expiresAt).toISOString(), user: found.user };
      });
    },

    /** The session behind a bearer token, or undefined when unknown or expired. */
    async verify(token: string): Promise<Session | undefined> {
      const digest = tokenDigest(token);
      const now = clock();
      const cached = cache.get(digest);
      if (cached && cached.session.expiresAt <= now) {
        cache.delete(digest);
        return undefined;
      }
      if (cached && now - cached.checkedAt < SESSION_RECHECK_MS) return cached.session;
      const session = await users.findSession(digest, now);
      if (session) cache.set(digest, { session, checkedAt: now });
      else cache.delete(digest);
      return session;
    },

    async logout(token: string): Promise<void> {
      const digest = tokenDigest(token);
      cache.delete(digest);
      await users.deleteSession(digest);
      for (const fn of endedListeners) fn(digest);
    },

    /** Live connections opened with a session close when it is logged out. */
    onSessionEnded(fn: (tokenDigest: string) => void): void {
      endedListeners.push(fn);
    },

    async purgeExpired(): Promise<void> {
      const now = clock();
      for (const [digest, c] of cache) if (c.session.expiresAt <= now) cache.delete(digest);
      await users.purgeExpiredSessions(now);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
