/**
 * Who is signed in, with which role. The token lives in this tab's sessionStorage: a reload keeps
 * the dispatcher signed in, closing the tab does not leave a login behind on a shared console.
 * An expired or ended login (401, or the live hub's `session_expired`) returns to the login form
 * with a notice instead of leaving panels that fail one by one.
 */
import { DISPATCH_ROLES, STAFF_ROLES, type Role, type UserName } from '../../../../ingest/contracts/users.ts';
import { ApiClient, ApiError } from '../api/api-client.ts';

const STORAGE_KEY = 'heatwatch.token';

export interface SignedInUser {
  username: string;
  role: Role;
  /** The name colleagues know (may be empty: then the login is shown). */
  displayName: string;
}

export class Session {
  token = $state<string | null>(null);
  user = $state<SignedInUser | null>(null);
  /** Everyone's shown name by login, for timelines and assignees (loaded once signed in). */
  names = $state<ReadonlyMap<string, string>>(new Map());
  /** Set when the login ended without the user asking: the login form says so. */
  expired = $state(false);
  readonly api: ApiClient;

  constructor(
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null = globalThis.sessionStorage ?? null,
    /** A refusal in the reader's language (the dashboard passes its I18n's; tests read the server's words). */
    describe?: (code: string, serverMessage: string) => string,
  ) {
    this.api = new ApiClient({ token: () => this.token, onUnauthorized: () => this.end(true), describe });
  }

  /** Lifecycle actions (acknowledge, resolve…): everyone but a viewer. */
  get canAct(): boolean {
    return this.user !== null && (STAFF_ROLES as readonly Role[]).includes(this.user.role);
  }

  /** Hotline tickets, callbacks and closing: dispatch and admins (as the API enforces). */
  get canDispatch(): boolean {
    return this.user !== null && (DISPATCH_ROLES as readonly Role[]).includes(this.user.role);
  }

  /** A person's shown name; their login when they have none, or are unknown (an old account). */
  nameOf(username: string): string {
    return this.names.get(username) || username;
  }

  /** Who is who: asked once signed in, and again after an admin renames someone. */
  async loadNames(signal?: AbortSignal): Promise<void> {
    const { users } = await this.api.get<{ users: UserName[] }>('/api/users/names', signal);
    this.names = new Map(users.map((u) => [u.username, u.displayName]));
  }

  /** Picks up a login from this tab's storage, if the server still honours it. */
  async restore(): Promise<void> {
    const token = this.storage?.getItem(STORAGE_KEY) ?? null;
    if (!token) return;
    this.token = token;
    try {
      const me = await this.api.get<SignedInUser>('/api/me');
      this.user = { username: me.username, role: me.role, displayName: me.displayName ?? '' };
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err;
    }
  }

  async login(username: string, password: string): Promise<void> {
    const res = await this.api.post<{ token: string; user: SignedInUser }>('/api/login', { username, password });
    this.token = res.token;
    this.user = { username: res.user.username, role: res.user.role, displayName: res.user.displayName ?? '' };
    this.expired = false;
    this.storage?.setItem(STORAGE_KEY, res.token);
  }

  async logout(): Promise<void> {
    await this.api.post('/api/logout').catch(() => undefined);
    this.end(false);
  }

  /** Forgets the login; `expired` when the server ended it rather than the user. */
  end(expired: boolean): void {
    if (this.token === null) return;
    this.token = null;
    this.user = null;
    this.names = new Map();
    this.expired = expired;
    this.storage?.removeItem(STORAGE_KEY);
  }
}
