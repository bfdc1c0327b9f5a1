/**
 * The account panel's state: changing one's own password, and for admins the list of users
 * with disable / enable. Talks to the API only; the component renders.
 */
import type { User } from '../../../../ingest/contracts/users.ts';
import { ApiError, type ApiClient } from '../../lib/api/api-client.ts';

export type PasswordOutcome =
  | { kind: 'saved' }
  | { kind: 'mismatch' }
  | { kind: 'wrongCurrent' }
  | { kind: 'locked'; minutes: number }
  | { kind: 'weak'; reasons: WeakReason[] }
  | { kind: 'failed'; message: string };

/** Whole minutes to wait from a `Retry-After` in seconds (at least one). */
export const lockedMinutes = (retryAfterSec: number | undefined): number => Math.max(1, Math.ceil((retryAfterSec ?? 60) / 60));

export type WeakReason = 'short' | 'repeated' | 'username' | 'common' | { text: string };

/** The server's reasons (its policy's English words) as keys the dictionary translates. */
function weakReasons(message: string): WeakReason[] {
  const known: [RegExp, WeakReason][] = [
    [/^at least \d+ characters$/, 'short'],
    [/^not one character repeated$/, 'repeated'],
    [/^not the user name$/, 'username'],
    [/^not a commonly used password$/, 'common'],
  ];
  return message
    .replace(/^password: /, '')
    .split('; ')
    .map((part) => known.find(([re]) => re.test(part))?.[1] ?? { text: part });
}

export class PasswordChange {
  busy = $state(false);
  outcome = $state<PasswordOutcome | null>(null);

  constructor(private readonly api: Pick<ApiClient, 'post'>) {}

  async submit(current: string, next: string, repeat: string): Promise<void> {
    if (next !== repeat) {
      this.outcome = { kind: 'mismatch' };
      return;
    }
    this.busy = true;
    try {
      await this.api.post('/api/me/password', { currentPassword: current, newPassword: next });
      this.outcome = { kind: 'saved' };
    } catch (err) {
      this.outcome = refusal(err as Error);
    } finally {
      this.busy = false;
    }
  }
}

/** What the panel says about a refused change; the server's words only when no key fits. */
function refusal(e: Error): PasswordOutcome {
  if (!(e instanceof ApiError)) return { kind: 'failed', message: e.message };
  if (e.code === 'HW_BAD_CREDENTIALS') return { kind: 'wrongCurrent' };
  if (e.code === 'HW_ACCOUNT_LOCKED') return { kind: 'locked', minutes: lockedMinutes(e.retryAfterSec) };
  if (e.code === 'HW_WEAK_PASSWORD') return { kind: 'weak', reasons: weakReasons(e.message) };
  return { kind: 'failed', message: e.message };
}

export class UserList {
  users = $state<User[]>([]);
  error = $state<string | null>(null);
  busy = $state<string | null>(null);

  constructor(private readonly api: Pick<ApiClient, 'get' | 'post'>) {}

  async load(signal?: AbortSignal): Promise<void> {
    try {
      this.users = (await this.api.get<{ users: User[] }>('/api/users', signal)).users;
      this.error = null;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.error = (err as Error).message;
    }
  }

  async setDisabled(username: string, disabled: boolean): Promise<void> {
    this.busy = username;
    try {
      const updated = await this.api.post<User>(`/api/users/${encodeURIComponent(username)}/${disabled ? 'disable' : 'enable'}`, {});
      this.users = this.users.map((u) => (u.username === username ? updated : u));
      this.error = null;
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.busy = null;
    }
  }
}
