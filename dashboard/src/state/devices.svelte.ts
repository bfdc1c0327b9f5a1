/**
 * Every device with its live state, for the map and the panels. 10 000–100 000 devices do not
 * belong in a deep `$state` proxy: they sit in a plain Map and `version` ticks when a batch of
 * changes has been applied, at most every `flushMs`, so 2 000 readings/s redraw the map a few
 * times a second instead of 2 000 times.
 */
import type { DeviceView } from '../../../ingest/contracts/devices.ts';
import type { LiveReading } from '../../../ingest/contracts/events.ts';
import type { RuleNumbers } from '../../../ingest/contracts/rule-numbers.ts';
import type { ApiClient } from '../lib/api/api-client.ts';

export class DeviceStore {
  /** Bumped after each applied batch; read it in `$derived` to follow changes. */
  version = $state(0);
  loaded = $state(false);
  /** The rule numbers the server runs on (GET /api/rules): what a cold room is. */
  rules = $state.raw<RuleNumbers | null>(null);
  readonly #devices = new Map<string, DeviceView>();
  #roomsBySubstation: Map<string, string[]> | null = null;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly flushMs = 250) {}

  async load(api: ApiClient, signal?: AbortSignal): Promise<void> {
    const [{ devices }, rules] = await Promise.all([api.get<{ devices: DeviceView[] }>('/api/devices', signal), api.get<RuleNumbers>('/api/rules', signal)]);
    this.rules = rules;
    this.#devices.clear();
    for (const d of devices) this.#devices.set(d.id, d);
    this.#roomsBySubstation = null;
    this.loaded = true;
    this.version += 1;
  }

  /** 服务承诺 二.1(2): a room below this (°C) is cold; NaN until the server has said. */
  get roomLowC(): number {
    return this.rules?.roomLow.belowC ?? Number.NaN;
  }

  get size(): number {
    return this.#devices.size;
  }

  get(id: string): DeviceView | undefined {
    return this.#devices.get(id);
  }

  all(): IterableIterator<DeviceView> {
    return this.#devices.values();
  }

  /** Rooms fed by a substation. */
  roomsOf(substationId: string): DeviceView[] {
    if (this.#roomsBySubstation === null) {
      const index = new Map<string, string[]>();
      for (const d of this.#devices.values()) {
        if (d.substationId === null) continue;
        const list = index.get(d.substationId);
        if (list) list.push(d.id);
        else index.set(d.substationId, [d.id]);
      }
      this.#roomsBySubstation = index;
    }
    return (this.#roomsBySubstation.get(substationId) ?? []).flatMap((id) => this.#devices.get(id) ?? []);
  }

  applyReadings(readings: readonly LiveReading[]): void {
    for (const r of readings) {
      const d = this.#devices.get(r.deviceId);
      if (!d) continue;
      if (d.lastReading && d.lastReading.ts >= r.ts) continue;
      d.lastReading = { ts: r.ts, values: r.values };
      d.lastSeenAt = new Date().toISOString();
    }
    this.#scheduleFlush();
  }

  applyDevice(view: DeviceView): void {
    const known = this.#devices.get(view.id);
    if (!known || known.substationId !== view.substationId) this.#roomsBySubstation = null;
    this.#devices.set(view.id, view);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushTimer !== undefined) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.version += 1;
    }, this.flushMs);
  }
}
