/**
 * The account panel's state: changing one's own password, and for admins the users — create,
 * rename, change a role, reset a lost password, disable / enable. Talks to the API only; the
 * component renders.
 */
import type { Role, User } from '../../../../ingest/contracts/users.ts';
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
  if (e.code === 'HW_WEAK_PASSWORD') return { kind: 'weak', reasons: weakReasons(e.serverMessage) };
  return { kind: 'failed', message: e.message };
}

/** What an admin's change to an account came to; `weak` and `exists` are said in the panel's words. */
export type AdminOutcome =
  | { kind: 'created' | 'updated' | 'reset'; username: string }
  | { kind: 'exists' }
  | { kind: 'weak'; reasons: WeakReason[] }
  | { kind: 'failed'; message: string };

function adminRefusal(e: Error): AdminOutcome {
  if (e instanceof ApiError && e.code === 'HW_USER_EXISTS') return { kind: 'exists' };
  if (e instanceof ApiError && e.code === 'HW_WEAK_PASSWORD') return { kind: 'weak', reasons: weakReasons(e.serverMessage) };
  return { kind: 'failed', message: e.message };
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

export class UserList {
  users = $state<User[]>([]);
  error = $state<string | null>(null);
  busy = $state<string | null>(null);
  /** The last create / edit / reset: said under the form it came from. */
  outcome = $state<AdminOutcome | null>(null);

  constructor(
    private readonly api: Pick<ApiClient, 'get' | 'post' | 'request'>,
    /** After a rename: the names shown elsewhere (timelines, header) are asked again. */
    private readonly onRenamed: () => void = () => undefined,
  ) {}

  /** Runs one admin change; true when it went through. */
  async #change(username: string, run: () => Promise<User>, kind: 'created' | 'updated' | 'reset'): Promise<boolean> {
    this.busy = username;
    try {
      const user = await run();
      const known = this.users.some((u) => u.username === user.username);
      this.users = known ? this.users.map((u) => (u.username === user.username ? user : u)) : [...this.users, user].sort((a, b) => a.username.localeCompare(b.username));
      this.outcome = { kind, username: user.username };
      if (kind !== 'reset') this.onRenamed();
      return true;
    } catch (err) {
      this.outcome = adminRefusal(err as Error);
      return false;
    } finally {
      this.busy = null;
    }
  }

  create(input: NewUser): Promise<boolean> {
    const body = { ...input, username: input.username.trim(), displayName: input.displayName.trim() };
    return this.#change(body.username, () => this.api.post<User>('/api/users', body), 'created');
  }

  update(username: string, patch: { displayName: string; role: Role }): Promise<boolean> {
    return this.#change(username, () => this.api.request<User>('PATCH', `/api/users/${encodeURIComponent(username)}`, { ...patch, displayName: patch.displayName.trim() }), 'updated');
  }

  resetPassword(username: string, newPassword: string): Promise<boolean> {
    return this.#change(username, () => this.api.post<User>(`/api/users/${encodeURIComponent(username)}/password`, { newPassword }), 'reset');
  }

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
