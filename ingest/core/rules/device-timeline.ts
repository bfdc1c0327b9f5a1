/**
 * One device's recent readings, sorted by event time, with the rule state folded over them.
 *
 * Out-of-order and late readings: a reading newer than everything seen is stepped from the
 * current state (the common case, O(1)). A reading older than the newest but not more than
 * `maxLateMs` behind it is inserted where it belongs and the device's rules are replayed, in
 * event-time order, from `base`: the state after the readings that have fallen behind that
 * horizon. The replay therefore sees exactly what an in-order run would have seen, and the
 * emission gate lets through only what the world has not been told yet. A reading more than
 * `maxLateMs` behind the device's newest is not judged (the caller still stores it).
 * A reading with the same event time as one already held is a duplicate (QoS 1 redelivery).
 */
import type { History, SampleInput, Transition } from './rule-transition.ts';

export interface DeviceProgram<S, F extends string> {
  readonly initial: S;
  readonly fields: readonly F[];
  /** How far back (ms) a step reads the history before its own reading. */
  readonly lookbackMs: number;
  /** Judges reading `i`, given the state after reading `i - 1`. */
  step(state: S, history: History<F>, i: number): { state: S; transitions: Transition[]; plausible: boolean };
}

export interface Timeline<S, F extends string> {
  history: History<F>;
  /** Readings [0, committed) are folded into `base` and never replayed. */
  committed: number;
  base: S;
  current: S;
  latestTs: number;
}

export function createTimeline<S, F extends string>(program: DeviceProgram<S, F>): Timeline<S, F> {
  const values = Object.fromEntries(program.fields.map((f) => [f, [] as number[]])) as Record<F, number[]>;
  return {
    history: { ts: [], values, eligible: [], plausible: [] },
    committed: 0,
    base: program.initial,
    current: program.initial,
    latestTs: Number.NEGATIVE_INFINITY,
  };
}

export interface TimelineUpdate {
  /** In event-time order; replays repeat earlier transitions, for the gate to drop. */
  transitions: Transition[];
  /** Readings refused as more than `maxLateMs` behind the device's newest. */
  tooLate: number;
  duplicates: number;
}

/** Index of the first reading with ts >= `ts`. */
function lowerBound(ts: readonly number[], at: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insert<F extends string>(h: History<F>, i: number, s: SampleInput<F>, fields: readonly F[]): void {
  h.ts.splice(i, 0, s.ts);
  for (const f of fields) h.values[f].splice(i, 0, s.values[f] ?? Number.NaN);
  h.eligible.splice(i, 0, s.eligible);
  h.plausible.splice(i, 0, true);
}

function dropFirst<F extends string>(h: History<F>, n: number, fields: readonly F[]): void {
  h.ts.splice(0, n);
  for (const f of fields) h.values[f].splice(0, n);
  h.eligible.splice(0, n);
  h.plausible.splice(0, n);
}

export function addSamples<S, F extends string>(
  tl: Timeline<S, F>,
  samples: readonly SampleInput<F>[],
  program: DeviceProgram<S, F>,
  maxLateMs: number,
): TimelineUpdate {
  const update: TimelineUpdate = { transitions: [], tooLate: 0, duplicates: 0 };
  const h = tl.history;
  const previousLength = h.ts.length;
  let firstInserted = Number.POSITIVE_INFINITY;
  let appendedOnly = true;
  for (const s of samples.length > 1 ? [...samples].sort((a, b) => a.ts - b.ts) : samples) {
    if (s.ts < tl.latestTs - maxLateMs) {
      update.tooLate += 1;
      continue;
    }
    const i = lowerBound(h.ts, s.ts);
    if (h.ts[i] === s.ts) {
      update.duplicates += 1;
      continue;
    }
    insert(h, i, s, program.fields);
    if (i < h.ts.length - 1) appendedOnly = false;
    firstInserted = Math.min(firstInserted, i);
    if (s.ts > tl.latestTs) tl.latestTs = s.ts;
  }
  if (h.ts.length === previousLength) return update;

  // Appended after everything: continue from the current state. Otherwise replay from base.
  let state = appendedOnly ? tl.current : tl.base;
  for (let i = appendedOnly ? firstInserted : tl.committed; i < h.ts.length; i++) {
    const r = program.step(state, h, i);
    h.plausible[i] = r.plausible;
    state = r.state;
    for (const t of r.transitions) update.transitions.push(t);
  }
  tl.current = state;
  commit(tl, program, maxLateMs);
  return update;
}

/** Folds readings behind the lateness horizon into `base`; drops what no look-back needs. */
function commit<S, F extends string>(tl: Timeline<S, F>, program: DeviceProgram<S, F>, maxLateMs: number): void {
  const h = tl.history;
  const horizon = tl.latestTs - maxLateMs;
  while (tl.committed < h.ts.length && h.ts[tl.committed]! < horizon) {
    tl.base = program.step(tl.base, h, tl.committed).state;
    tl.committed += 1;
  }
  const keepFrom = horizon - program.lookbackMs;
  let drop = 0;
  while (drop < tl.committed && h.ts[drop]! < keepFrom) drop += 1;
  if (drop > 0) {
    dropFirst(h, drop, program.fields);
    tl.committed -= drop;
  }
}
