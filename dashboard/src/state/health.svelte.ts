/** Polls /api/health: the one thing this placeholder shows until the dispatch dashboard lands. */
export interface Health {
  status: 'ok' | 'degraded';
  store: { name: string; state: string; backlog: number };
  mqtt: { mode: string; connected: boolean; devicesConnected: number };
  devices: number;
}

export class HealthState {
  current = $state<Health | null>(null);
  error = $state(false);
  #timer: ReturnType<typeof setInterval> | undefined;

  start(intervalMs = 5000): void {
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async refresh(): Promise<void> {
    try {
      const res = await fetch('/api/health');
      this.current = (await res.json()) as Health;
      this.error = false;
    } catch {
      this.error = true;
    }
  }
}
