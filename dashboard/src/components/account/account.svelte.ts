/**
 * The account panel's state: changing one's own password, and for admins the list of users
 * with disable / enable. Talks to the API only; the component renders.
 */
import type { User } from '../../../../ingest/contracts/users.ts';
import { ApiError, type ApiClient } from '../../lib/api/api-client.ts';

export type PasswordOutcome = { kind: 'saved' } | { kind: 'mismatch' } | { kind: 'wrongCurrent' } | { kind: 'weak'; reasons: WeakReason[] } | { kind: 'failed'; message: string };

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
      const e = err as ApiError;
      this.outcome =
        e instanceof ApiError && e.code === 'HW_BAD_CREDENTIALS'
          ? { kind: 'wrongCurrent' }
          : e instanceof ApiError && e.code === 'HW_WEAK_PASSWORD'
            ? { kind: 'weak', reasons: weakReasons(e.message) }
            : { kind: 'failed', message: e.message };
    } finally {
      this.busy = false;
    }
  }
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
