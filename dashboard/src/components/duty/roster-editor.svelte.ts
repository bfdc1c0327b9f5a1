/**
 * The roster being edited: loaded once, changed in place, saved whole (PUT replaces the roster).
 * The server's 400 lists every problem; they are kept per field so the form can mark them.
 */
import { ApiError, type ApiClient } from '../../lib/api/api-client.ts';
import type { Channel, Roster } from './duty-types.ts';
import { draftFromRoster, newPerson, newShift, newTeam, parseProblems, rosterFromDraft, type Problem, type RosterDraft } from './roster-form.ts';

export class RosterEditorModel {
  draft = $state<RosterDraft>({ people: [], teams: [], shifts: [] });
  saved = $state.raw<Roster | null>(null);
  /** The channels a team can page through (admins only; others see the ids). */
  channels = $state.raw<Pick<Channel, 'id' | 'name'>[]>([]);
  loading = $state(true);
  busy = $state(false);
  error = $state<string | null>(null);
  problems = $state.raw<Problem[]>([]);
  /** The last save went through (cleared by the next change). */
  justSaved = $state(false);
  #abort = new AbortController();

  constructor(private readonly api: ApiClient) {}

  get dirty(): boolean {
    return this.saved !== null && JSON.stringify(rosterFromDraft(this.draft)) !== JSON.stringify(this.saved);
  }

  async load(withChannels: boolean): Promise<void> {
    this.loading = true;
    try {
      const [roster, channels] = await Promise.all([
        this.api.get<Roster>('/api/alerting/roster', this.#abort.signal),
        withChannels ? this.api.get<{ channels: Channel[] }>('/api/alerting/channels', this.#abort.signal).then((r) => r.channels) : [],
      ]);
      this.channels = channels.map(({ id, name }) => ({ id, name }));
      this.#reset(roster);
      this.error = null;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.error = (err as Error).message;
    } finally {
      this.loading = false;
    }
  }

  addPerson(): void {
    this.draft.people.push(newPerson(this.draft));
  }

  /** Their shifts go with them: a shift without its person is refused by the server. */
  removePerson(id: string): void {
    this.draft.people = this.draft.people.filter((p) => p.id !== id);
    this.draft.shifts = this.draft.shifts.filter((s) => s.person !== id);
  }

  addTeam(): void {
    this.draft.teams.push(newTeam(this.draft));
  }

  removeTeam(id: string): void {
    this.draft.teams = this.draft.teams.filter((t) => t.id !== id);
    this.draft.shifts = this.draft.shifts.filter((s) => s.team !== id);
  }

  addShift(team: string): void {
    this.draft.shifts.push(newShift(team, this.draft.people[0]?.id));
  }

  removeShift(index: number): void {
    this.draft.shifts.splice(index, 1);
  }

  async save(): Promise<void> {
    this.busy = true;
    this.error = null;
    this.problems = [];
    try {
      this.#reset(await this.api.request<Roster>('PUT', '/api/alerting/roster', rosterFromDraft(this.draft)));
      this.justSaved = true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) this.problems = parseProblems(err.message);
      else this.error = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  /** Throws the changes away: back to what the server holds. */
  revert(): void {
    if (this.saved) this.#reset(this.saved);
  }

  dispose(): void {
    this.#abort.abort();
  }

  #reset(roster: Roster): void {
    this.saved = roster;
    this.draft = draftFromRoster(roster);
    this.problems = [];
  }
}
