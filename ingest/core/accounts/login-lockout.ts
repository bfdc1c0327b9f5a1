/**
 * Per-account lockout (OWASP ASVS 2.2.1): after a few wrong passwords in a row an account takes
 * no login for a while, even a right one, and each lockout lasts twice the last, up to a cap.
 * A success resets it. Names that do not exist are counted the same way, so lockouts tell
 * nothing about which accounts exist. Pure state, the clock passed in.
 */
export const LOCKOUT = { failuresAllowed: 5, firstLockMs: 60_000, maxLockMs: 3_600_000 } as const;
const MAX_NAMES = 10_000;

interface AccountState {
  failures: number;
  lockouts: number;
  lockedUntil: number;
}

export interface LoginLockout {
  /** Milliseconds until `username` may try again, or 0. */
  lockedFor(username: string, now: number): number;
  failed(username: string, now: number): void;
  succeeded(username: string): void;
}

export function createLoginLockout(limits = LOCKOUT): LoginLockout {
  const accounts = new Map<string, AccountState>();
  const key = (username: string) => username.toLowerCase();
  return {
    lockedFor(username, now) {
      return Math.max(0, (accounts.get(key(username))?.lockedUntil ?? 0) - now);
    },
    failed(username, now) {
      const k = key(username);
      const s = accounts.get(k) ?? { failures: 0, lockouts: 0, lockedUntil: 0 };
      s.failures += 1;
      if (s.failures >= limits.failuresAllowed) {
        s.lockouts += 1;
        s.failures = 0;
        s.lockedUntil = now + Math.min(limits.maxLockMs, limits.firstLockMs * 2 ** (s.lockouts - 1));
      }
      accounts.delete(k);
      accounts.set(k, s);
      if (accounts.size > MAX_NAMES) accounts.delete(leastWorthKeeping(accounts, k, now));
    },
    succeeded(username) {
      accounts.delete(key(username));
    },
  };
}

/**
 * The name to forget when the table is full, never `keep` (the one just failed). A spray of names
 * must not make the lockout forget the account being guessed: first the oldest name with only a
 * few wrong passwords, then the oldest not locked now (its backoff is lost), the oldest at last.
 */
function leastWorthKeeping(accounts: Map<string, AccountState>, keep: string, now: number): string {
  let unlocked: string | undefined;
  let oldest: string | undefined;
  for (const [name, s] of accounts) {
    if (name === keep) continue;
    oldest ??= name;
    if (s.lockedUntil > now) continue;
    if (s.lockouts === 0) return name;
    unlocked ??= name;
  }
  return unlocked ?? oldest!;
}
