/**
 * Correlation (DESIGN.md §3): when enough rooms fed by one substation go low or drop together,
 * the cause is upstream. One substation-level event lets the ticket service open one ticket and
 * link the room tickets under it, so engineers are paged once, not fifty times.
 *
 * A room is *affected* while it has an open room-low or sudden-drop episode (as emitted). The
 * substation's episode starts when at least `needed` affected rooms opened within one
 * `windowMin` window (event time, so order of arrival does not matter) and ends when fewer than
 * `needed` rooms are still affected. Rooms that go cold later in the same episode are not
 * announced again: the ticket service links them while the substation ticket is open.
 */
import type { RuleFact } from '../../contracts/rule-facts.ts';
import type { TicketType } from '../../contracts/tickets.ts';
import type { RuleDevice, RuleEvent } from './rule-types.ts';
import type { RulesConfig } from './rules-config.ts';
import { MINUTE_MS, TICKET_BY_RULE } from './rule-transition.ts';

type RoomRule = 'room_low' | 'sudden_drop';

interface AffectedRoom {
  readonly rules: ReadonlySet<RoomRule>;
  /** Event time and ticket type of the open that made it affected. */
  readonly openedAt: number;
  readonly ticketType: TicketType;
}

export interface CorrelationState {
  readonly rooms: ReadonlyMap<string, AffectedRoom>;
  readonly active: boolean;
}

export const NO_CORRELATION: CorrelationState = { rooms: new Map(), active: false };

export type RoomChange =
  | { kind: 'open'; roomId: string; rule: RoomRule; ticketType: TicketType; at: number }
  | { kind: 'recovered'; roomId: string; rule: RoomRule; at: number };

export interface Cluster {
  /** When the threshold was reached: the `needed`-th open of the window. */
  at: number;
  roomIds: string[];
  ticketType: TicketType;
}

/** Rooms needed: at least `minRooms` and at least `minFraction` of the substation's rooms. */
export function roomsNeeded(totalRooms: number, config: RulesConfig['correlation']): number {
  return Math.max(config.minRooms, Math.ceil(totalRooms * config.minFraction - 1e-9));
}

/**
 * Applies one room change. Returns the cluster that starts a new substation episode, if this
 * change completed one; the caller decides whether to announce it (planned outages).
 */
export function correlateSubstation(
  state: CorrelationState,
  change: RoomChange,
  needed: number,
  config: RulesConfig['correlation'],
): { state: CorrelationState; cluster: Cluster | null } {
  const rooms = new Map(state.rooms);
  const before = rooms.get(change.roomId);
  if (change.kind === 'open') {
    const rules = new Set(before?.rules ?? []).add(change.rule);
    // A room already affected keeps the time and type of the open that made it affected.
    rooms.set(change.roomId, { rules, openedAt: before?.openedAt ?? change.at, ticketType: before?.ticketType ?? change.ticketType });
  } else if (before !== undefined) {
    const rules = new Set(before.rules);
    rules.delete(change.rule);
    if (rules.size === 0) rooms.delete(change.roomId);
    else rooms.set(change.roomId, { ...before, rules });
  }
  if (state.active) return { state: { rooms, active: rooms.size >= needed }, cluster: null };
  if (change.kind !== 'open') return { state: { rooms, active: false }, cluster: null };
  const cluster = findCluster(rooms, needed, config.windowMin * MINUTE_MS);
  return { state: { rooms, active: cluster !== null }, cluster };
}

/** The earliest window of `windowMs` holding the opens of at least `needed` affected rooms. */
export function findCluster(rooms: ReadonlyMap<string, AffectedRoom>, needed: number, windowMs: number): Cluster | null {
  if (rooms.size < needed) return null;
  const opens = [...rooms].map(([id, r]) => ({ id, at: r.openedAt, type: r.ticketType })).sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  for (let i = 0; i + needed <= opens.length; i++) {
    const first = opens[i]!;
    const inWindow = opens.filter((o, j) => j >= i && o.at <= first.at + windowMs);
    if (inWindow.length < needed) continue;
    const drops = inWindow.filter((o) => o.type === 'temp_drop').length;
    return {
      at: inWindow[needed - 1]!.at,
      roomIds: inWindow.map((o) => o.id).sort(),
      // The rooms' own type; a tie goes to temp_drop: an unexplained loss of heat (二.1(4)).
      ticketType: drops * 2 >= inWindow.length ? 'temp_drop' : 'room_temp_low',
    };
  }
  return null;
}

export interface CorrelatorDeps {
  roomsOf(substationId: string): string[];
  suppressed(deviceId: string, substationId: string | null, atMs: number): boolean;
}

/** Keeps one correlation state per substation; fed with the room episodes the gate let through. */
export function createCorrelator(config: RulesConfig['correlation'], deps: CorrelatorDeps) {
  const states = new Map<string, CorrelationState>();
  return {
    roomChanged(room: RuleDevice, t: { kind: 'open' | 'recovered'; rule: RoomRule; at: number }): (RuleEvent & { kind: 'correlated' }) | null {
      const sub = room.substationId;
      if (sub === null) return null;
      const total = deps.roomsOf(sub).length;
      const needed = roomsNeeded(total, config);
      const change: RoomChange =
        t.kind === 'open'
          ? { kind: 'open', roomId: room.id, rule: t.rule, ticketType: TICKET_BY_RULE[t.rule], at: t.at }
          : { kind: 'recovered', roomId: room.id, rule: t.rule, at: t.at };
      const r = correlateSubstation(states.get(sub) ?? NO_CORRELATION, change, needed, config);
      // A planned outage of the substation explains its cold rooms: no substation ticket either.
      const announce = r.cluster !== null && !deps.suppressed(sub, sub, r.cluster.at);
      states.set(sub, announce || r.cluster === null ? r.state : { rooms: r.state.rooms, active: false });
      if (!announce || r.cluster === null) return null;
      const { at, roomIds, ticketType } = r.cluster;
      const facts: RuleFact[] = [{ fact: 'rooms_together', substationId: sub, rooms: total, affected: roomIds.length, windowMin: config.windowMin, needed }];
      return { kind: 'correlated', substationId: sub, ticketType, at, roomIds, facts };
    },
  };
}
