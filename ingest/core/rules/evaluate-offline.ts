/**
 * Offline (DESIGN.md §3): no reading for `intervals` × the device's reporting interval. The only
 * rule on wall-clock time: `now` comes from the tick, compared with the newest reading's event
 * time. Once per silence; recovered by the first reading newer than the silence, or by a message
 * newer than it whose readings were all refused (the device is alive; its sensor may not be).
 *
 * A store-and-forward sensor must be provisioned with its upload interval, not its sampling
 * interval, or it will look offline between uploads.
 */
import type { RulesConfig } from './rules-config.ts';
import { type Transition } from './rule-transition.ts';

/** A device's own, updated in place: it changes with every message of every device. */
export interface OfflineState {
  /** Newest event time seen from the device (any reading, even an implausible one: it is alive). */
  lastTs: number;
  offline: boolean;
}

export const NEVER_SEEN: Readonly<OfflineState> = { lastTs: Number.NEGATIVE_INFINITY, offline: false };

/** The device has been silent for longer than its limit and is not yet marked offline. */
export function isNewlySilent(state: OfflineState, now: number, intervalSec: number, config: RulesConfig['offline']): boolean {
  // A device never heard from has no silence to measure; the registry shows it as never seen.
  return !state.offline && Number.isFinite(state.lastTs) && now - state.lastTs > config.intervals * intervalSec * 1000;
}

/** Marks the device offline when it has newly fallen silent, and says so. */
export function evaluateOfflineTick(
  state: OfflineState,
  now: number,
  intervalSec: number,
  /** A planned outage covers the device now (ask only when `isNewlySilent`: it may cost a lookup). */
  suppressed: boolean,
  config: RulesConfig['offline'],
): Transition | null {
  if (!isNewlySilent(state, now, intervalSec, config)) return null;
  // During a planned outage the silence is expected; it is judged again after the outage.
  if (suppressed) return null;
  state.offline = true;
  return {
    kind: 'open',
    rule: 'offline',
    at: now,
    facts: [{ fact: 'silent', silentMs: now - state.lastTs, intervals: config.intervals, intervalSec }],
  };
}

/**
 * Messages arrived with the event times of `seen[from, to)` (any order): readings, or a message
 * whose readings were all refused (the device is alive even when its sensor is not).
 */
export function evaluateOfflineSeen(state: OfflineState, seen: readonly { readonly ts: number }[], from: number, to: number): Transition | null {
  let newest = state.lastTs;
  let firstNew = Number.POSITIVE_INFINITY;
  for (let i = from; i < to; i++) {
    const ts = seen[i]!.ts;
    if (ts > state.lastTs && ts < firstNew) firstNew = ts;
    if (ts > newest) newest = ts;
  }
  if (newest === state.lastTs) return null;
  const silenceMs = firstNew - state.lastTs;
  const wasOffline = state.offline;
  state.lastTs = newest;
  state.offline = false;
  if (!wasOffline) return null;
  return { kind: 'recovered', rule: 'offline', at: firstNew, facts: [{ fact: 'reporting_again', silentMs: silenceMs }] };
}

/**
 * An offline ticket still open from before a restart or a rules reload, opened at `at`: the
 * device counts as offline, and its first reading newer than that (or than any seen since)
 * recovers it; no new silence is reported meanwhile.
 */
export function seedOffline(state: OfflineState, at: number): void {
  state.offline = true;
  state.lastTs = Math.max(state.lastTs, at);
}
