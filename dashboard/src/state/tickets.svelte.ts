/**
 * The tickets dispatch is working on: every ticket not yet closed, kept current by the live
 * `ticket` event, sorted by deadline (the API's order: the most urgent first). Closed tickets are
 * asked for from the API when a filter wants them, not kept.
 */
import type { Ticket, TicketStatus, TicketType } from '../../../ingest/contracts/tickets.ts';
import type { ApiClient } from '../lib/api/api-client.ts';

export interface TicketFilter {
  type: TicketType | 'all';
  /** 'active': anything not closed. */
  status: TicketStatus | 'active';
  substationId: string | 'all';
  /** A roster person's id: the tickets given to them (派单). */
  assignee?: string | 'all';
}

const dueOrder = (t: Ticket): number => (t.dueAt === null ? Number.POSITIVE_INFINITY : Date.parse(t.dueAt));

/** Most urgent first: a deadline still to meet, by when it is due; then the rest by age. */
export function byUrgency(a: Ticket, b: Ticket): number {
  const pendingA = a.milestoneAt === null && a.dueAt !== null;
  const pendingB = b.milestoneAt === null && b.dueAt !== null;
  if (pendingA !== pendingB) return pendingA ? -1 : 1;
  if (pendingA) return dueOrder(a) - dueOrder(b);
  return Date.parse(b.openedAt) - Date.parse(a.openedAt);
}

export function matches(t: Ticket, f: TicketFilter): boolean {
  if (f.type !== 'all' && t.type !== f.type) return false;
  if (f.status === 'active' ? t.status === 'closed' : t.status !== f.status) return false;
  if (f.substationId !== 'all' && t.substationId !== f.substationId) return false;
  if (f.assignee !== undefined && f.assignee !== 'all' && t.assignee?.id !== f.assignee) return false;
  return true;
}

export class TicketStore {
  version = $state(0);
  loaded = $state(false);
  readonly #byId = new Map<string, Ticket>();
  /** deviceId → its tickets not yet closed (for the map colour and the device panel). */
  readonly #openByDevice = new Map<string, Set<string>>();
  /** Live changes that arrived while a load was on its way: the load's answer may predate them. */
  readonly #duringLoads = new Set<Map<string, Ticket>>();

  async load(api: ApiClient, signal?: AbortSignal): Promise<void> {
    const during = new Map<string, Ticket>();
    this.#duringLoads.add(during);
    let tickets: Ticket[];
    try {
      ({ tickets } = await api.get<{ tickets: Ticket[] }>('/api/tickets?status=active&limit=5000', signal));
    } finally {
      this.#duringLoads.delete(during);
    }
    this.#byId.clear();
    this.#openByDevice.clear();
    for (const t of tickets) this.#index(t);
    // A ticket opened (or changed) after the server answered would otherwise vanish until the
    // next resync: the live event came first and the older list replaced it.
    for (const t of during.values()) this.#index(t);
    this.loaded = true;
    this.version += 1;
  }

  apply(t: Ticket): void {
    for (const during of this.#duringLoads) during.set(t.id, t);
    this.#index(t);
    this.version += 1;
  }

  get(id: string): Ticket | undefined {
    return this.#byId.get(id);
  }

  list(filter: TicketFilter): Ticket[] {
    return [...this.#byId.values()].filter((t) => matches(t, filter)).sort(byUrgency);
  }

  /** Every ticket not yet closed (the callback queue picks from them). */
  all(): Ticket[] {
    return [...this.#byId.values()];
  }

  /** Room tickets linked under a substation ticket. */
  childrenOf(parentId: string): Ticket[] {
    return [...this.#byId.values()].filter((t) => t.parentId === parentId);
  }

  forDevice(deviceId: string): Ticket[] {
    return [...(this.#openByDevice.get(deviceId) ?? [])].flatMap((id) => this.#byId.get(id) ?? []).sort(byUrgency);
  }

  /** An open ticket other than "sensor offline" (offline has its own colour). */
  hasOpenTicket(deviceId: string): boolean {
    for (const id of this.#openByDevice.get(deviceId) ?? []) {
      if (this.#byId.get(id)?.type !== 'sensor_offline') return true;
    }
    return false;
  }

  /** The people tickets are given to, for the filter: by id, with their names. */
  assignees(): { id: string; name: string }[] {
    const people = new Map<string, string>();
    for (const t of this.#byId.values()) if (t.assignee) people.set(t.assignee.id, t.assignee.name);
    return [...people].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  }

  /** Substations that have tickets, for the filter. */
  substations(): string[] {
    return [...new Set([...this.#byId.values()].flatMap((t) => (t.substationId ? [t.substationId] : [])))].sort();
  }

  #index(t: Ticket): void {
    const before = this.#byId.get(t.id);
    if (before && before.updatedAt > t.updatedAt) return; // a stale echo after a fresher answer
    if (before?.deviceId) this.#openByDevice.get(before.deviceId)?.delete(t.id);
    if (t.status === 'closed') {
      this.#byId.delete(t.id);
      return;
    }
    this.#byId.set(t.id, t);
    if (t.deviceId) {
      const set = this.#openByDevice.get(t.deviceId) ?? new Set<string>();
      set.add(t.id);
      this.#openByDevice.set(t.deviceId, set);
    }
  }
}
