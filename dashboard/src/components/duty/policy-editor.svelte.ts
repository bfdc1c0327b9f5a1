/** The alerting policy: every staff member reads it, an admin changes and saves it whole. */
import { ApiError, type ApiClient } from '../../lib/api/api-client.ts';
import type { AlertPolicy } from './duty-types.ts';
import { draftFromPolicy, policyFromDraft, type PolicyDraft, type PolicyErrors } from './policy-form.ts';

export class PolicyEditorModel {
  draft = $state<PolicyDraft | null>(null);
  saved = $state.raw<AlertPolicy | null>(null);
  errors = $state.raw<PolicyErrors>({});
  loading = $state(true);
  busy = $state(false);
  error = $state<string | null>(null);
  justSaved = $state(false);
  #abort = new AbortController();

  constructor(private readonly api: ApiClient) {}

  get dirty(): boolean {
    return this.draft !== null && this.saved !== null && JSON.stringify(this.draft) !== JSON.stringify(draftFromPolicy(this.saved));
  }

  async load(): Promise<void> {
    try {
      this.#reset(await this.api.get<AlertPolicy>('/api/alerting/policy', this.#abort.signal));
      this.error = null;
    } catch (err) {
      if ((err as Error).name !== 'AbortError') this.error = (err as Error).message;
    } finally {
      this.loading = false;
    }
  }

  async save(): Promise<void> {
    if (!this.draft) return;
    const checked = policyFromDraft(this.draft);
    this.error = null;
    if ('errors' in checked) {
      this.errors = checked.errors;
      return;
    }
    this.errors = {};
    this.busy = true;
    try {
      this.#reset(await this.api.request<AlertPolicy>('PUT', '/api/alerting/policy', checked.policy));
      this.justSaved = true;
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  revert(): void {
    if (this.saved) this.#reset(this.saved);
  }

  dispose(): void {
    this.#abort.abort();
  }

  #reset(policy: AlertPolicy): void {
    this.saved = policy;
    this.draft = draftFromPolicy(policy);
    this.errors = {};
  }
}
