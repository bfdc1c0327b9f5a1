/**
 * The notification channels (admins only): the list with the ones that keep failing, one channel
 * open in the form at a time, deleting, and a test message to chosen people with the receiver's
 * answer when it refuses.
 */
import { ApiError, type ApiClient } from '../../lib/api/api-client.ts';
import { channelBody, draftFromChannel, newChannelDraft, type ChannelDraft, type ChannelErrors } from './channel-form.ts';
import type { Channel, ChannelList, Person, Roster, Team } from './duty-types.ts';

export type TestResult = { ok: true; to: string[] } | { ok: false; message: string };

export class ChannelsModel {
  channels = $state.raw<Channel[]>([]);
  failing = $state.raw<ReadonlySet<string>>(new Set());
  /** From the roster: whom a test can go to, and which teams page through a channel. */
  people = $state.raw<Person[]>([]);
  teams = $state.raw<Team[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  /** The channel in the form; null: none open. */
  editing = $state<ChannelDraft | null>(null);
  formErrors = $state.raw<ChannelErrors>({});
  /** The server refused the form (its message names the field). */
  formProblem = $state<string | null>(null);
  busy = $state(false);
  testing = $state<string | null>(null);
  tests = $state.raw<Record<string, TestResult>>({});
  #abort = new AbortController();

  constructor(private readonly api: ApiClient) {}

  async load(): Promise<void> {
    try {
      const [list, roster] = await Promise.all([
        this.api.get<ChannelList>('/api/alerting/channels', this.#abort.signal),
        this.api.get<Roster>('/api/alerting/roster', this.#abort.signal),
      ]);
      this.channels = list.channels;
      this.failing = new Set(list.failing);
      this.people = roster.people;
      this.teams = roster.teams;
      this.error = null;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.error = (err as Error).message;
    } finally {
      this.loading = false;
    }
  }

  /** The teams whose pages go through a channel: what deleting it would silence. */
  teamsUsing(channelId: string): Team[] {
    return this.teams.filter((t) => t.channels.includes(channelId));
  }

  startNew(): void {
    this.#open(newChannelDraft('wecom', this.channels.map((c) => c.id)));
  }

  edit(channel: Channel): void {
    this.#open(draftFromChannel(channel));
  }

  cancel(): void {
    this.editing = null;
  }

  async save(): Promise<void> {
    const draft = this.editing;
    if (!draft) return;
    const checked = channelBody(draft);
    this.formProblem = null;
    if ('errors' in checked) {
      this.formErrors = checked.errors;
      return;
    }
    this.formErrors = {};
    this.busy = true;
    try {
      await this.api.request<Channel>('PUT', `/api/alerting/channels/${encodeURIComponent(draft.id)}`, checked.body);
      this.editing = null;
      await this.load();
    } catch (err) {
      this.formProblem = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.api.request<void>('DELETE', `/api/alerting/channels/${encodeURIComponent(id)}`);
      if (this.editing?.id === id) this.editing = null;
      await this.load();
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  /** Sends a test message now; a refusal (502) carries what the receiver answered. */
  async test(id: string, people: string[]): Promise<void> {
    this.testing = id;
    let result: TestResult;
    try {
      const res = await this.api.post<{ sent: boolean; to: string[] }>(`/api/alerting/channels/${encodeURIComponent(id)}/test`, { people });
      result = { ok: true, to: res.to };
    } catch (err) {
      result = { ok: false, message: err instanceof ApiError ? err.message : (err as Error).message };
    } finally {
      this.testing = null;
    }
    this.tests = { ...this.tests, [id]: result };
    // Whether a channel keeps failing is the server's to say (real deliveries count): ask again.
    await this.load();
  }

  dispose(): void {
    this.#abort.abort();
  }

  #open(draft: ChannelDraft): void {
    this.editing = draft;
    this.formErrors = {};
    this.formProblem = null;
  }
}
