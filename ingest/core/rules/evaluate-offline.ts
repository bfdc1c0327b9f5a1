/**
 * Offline (DESIGN.md §3): no reading for `intervals` × the device's reporting interval. The only
 * rule on wall-clock time: `now` comes from the tick, compared with the newest reading's event
 * time. Once per silence; recovered by the first reading newer than the silence.
 *
 * A store-and-forward sensor must be provisioned with its upload interval, not its sampling
 * interval, or it will look offline between uploads.
 */
import type { RulesConfig } from './rules-config.ts';
import { formatMin, type Transition } from './rule-transition.ts';

export interface OfflineState {
  /** Newest event time seen from the device (any reading, even an implausible one: it is alive). */
  readonly lastTs: number;
  readonly offline: boolean;
}

export const NEVER_SEEN: OfflineState = { lastTs: Number.NEGATIVE_INFINITY, offline: false };

/** The device has been silent for longer than its limit and is not yet marked offline. */
export function isNewlySilent(state: OfflineState, now: number, intervalSec: number, config: RulesConfig['offline']): boolean {
  // A device never heard from has no silence to measure; the registry shows it as never seen.
  return !state.offline && Number.isFinite(state.lastTs) && now - state.lastTs > config.intervals * intervalSec * 1000;
}

export function evaluateOfflineTick(
  state: OfflineState,
  now: number,
  intervalSec: number,
  /** A planned outage covers the device now (ask only when `isNewlySilent`: it may cost a lookup). */
  suppressed: boolean,
  config: RulesConfig['offline'],
): { state: OfflineState; transition: Transition | null } {
  if (!isNewlySilent(state, now, intervalSec, config)) return { state, transition: null };
  // During a planned outage the silence is expected; it is judged again after the outage.
  if (suppressed) return { state, transition: null };
  return {
    state: { lastTs: state.lastTs, offline: true },
    transition: {
      kind: 'open',
      rule: 'offline',
      at: now,
      detail: `no reading for ${formatMin(now - state.lastTs)} (limit ${config.intervals} × ${intervalSec} s)`,
    },
  };
}

/** Readings arrived with event times `timestamps` (any order). */
export function evaluateOfflineReadings(state: OfflineState, timestamps: readonly number[]): { state: OfflineState; transition: Transition | null } {
  let newest = state.lastTs;
  let firstNew = Number.POSITIVE_INFINITY;
  for (const ts of timestamps) {
    if (ts > state.lastTs && ts < firstNew) firstNew = ts;
    if (ts > newest) newest = ts;
  }
  if (newest === state.lastTs) return { state, transition: null };
  if (!state.offline) return { state: { lastTs: newest, offline: false }, transition: null };
  const silenceMs = firstNew - state.lastTs;
  return {
    state: { lastTs: newest, offline: false },
    transition: { kind: 'recovered', rule: 'offline', at: firstNew, detail: `readings resumed after ${formatMin(silenceMs)}` },
  };
}
