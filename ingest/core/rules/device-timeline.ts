/**
 * One device's recent readings, sorted by event time, with the rule state folded over them.
 *
 * In order: a reading newer than everything held is stepped from the current state, O(1)
 * amortized (device-history.ts, held-window.ts), without allocating on the way. The timeline is
 * its history (a subclass, not a field: one object less to reach for each reading of each of
 * 10 000 devices, whose data is out of the CPU's caches by the time its next reading comes).
 *
 * Late and out-of-order readings: a reading older than the newest but not more than `maxLateMs`
 * behind it is inserted where it belongs and the device's rules are replayed, in event-time
 * order, from the last checkpoint at or before it: the state the ordered pass had there, taken
 * every `CHECKPOINT_READINGS` readings or half the lateness horizon, whichever comes first. The
 * replay therefore sees exactly what an in-order run would have seen, and the emission gate
 * lets through only what the world has not been told yet (it drops what a replay repeats; a
 * step depends only on the readings up to its own, so starting at a checkpoint rather than
 * further back only leaves out transitions the gate would drop).
 * A reading more than `maxLateMs` behind the device's newest is not judged (the caller still
 * stores it). A reading with the same event time as one already held is a duplicate (QoS 1
 * redelivery) and costs a binary search.
 *
 * The bound on late data: one call replays a device at most once, however many late readings it
 * carries (they are sorted and merged in one pass, then replayed from the earliest), and the
 * replay costs O(readings from the checkpoint to the newest + the held-peak queue there), each
 * step O(1) amortized. A device re-sending old readings one per message therefore costs at most
 * the readings within `maxLateMs` of its newest per message, never readings × window.
 */
import { DeviceHistory } from './device-history.ts';
import { HeldWindow } from './held-window.ts';
import type { SampleBuffer, SampleInput, Transition } from './rule-transition.ts';

export interface DeviceProgram<S, F extends string> {
  readonly fields: readonly F[];
  /** The look-backs its steps read, `held` in `step`. */
  readonly windows: readonly { field: F; windowMs: number }[];
  /** A state before any reading; the timeline owns it and the step updates it in place. */
  start(): S;
  /** Makes `target` equal to `source` (checkpoints are taken and restored this way). */
  copyInto(target: S, source: S): void;
  /**
   * Judges reading `i` given `state` after reading `i - 1`: updates `state`, appends what it
   * decided to `out`, and returns false when the reading is implausible (then no rule saw it).
   */
  step(state: S, history: DeviceHistory<F>, held: readonly HeldWindow[], i: number, out: Transition[]): boolean;
}

/** The state the ordered pass had just before reading `index`. */
interface Checkpoint<S> {
  index: number;
  /** The newest event time when it was taken. */
  ts: number;
  readonly state: S;
  /** Per window: its last usable reading, from which its queue is rebuilt. */
  readonly lastUsable: number[];
}

export interface TimelineCounts {
  /** Readings refused as more than `maxLateMs` behind the device's newest. */
  tooLate: number;
  duplicates: number;
}

/** Bounds a replay's start to this many readings before the first late one (fast devices). */
export const CHECKPOINT_READINGS = 32;

const byTs = (a: { ts: number }, b: { ts: number }) => a.ts - b.ts;

/** Strictly increasing and newer than `newest`: the common case, taken as it is. */
function allNew(samples: SampleBuffer<string>, newest: number): boolean {
  let previous = newest;
  for (let j = 0; j < samples.length; j++) {
    const ts = samples.items[j]!.ts;
    if (ts <= previous) return false;
    previous = ts;
  }
  return true;
}

export class DeviceTimeline<S, F extends string> extends DeviceHistory<F> {
  readonly held: HeldWindow[] = [];
  /** A replay steps from the base on, each step reading back at most its longest window. */
  readonly lookbackMs: number;
  /** After the newest reading. */
  readonly state: S;
  /** By index; the first is the base: no reading can be inserted before it. */
  private readonly checkpoints: Checkpoint<S>[];
  /** One that fell behind the base, reused for the next: checkpoints are taken all the time. */
  private spare: Checkpoint<S> | null = null;
  // Kept here so that most calls do not touch the checkpoints at all.
  /** The event time of the reading before the second checkpoint: once it is behind the horizon, the base moves. */
  private nextBaseTs = Number.POSITIVE_INFINITY;
  private lastCheckpointIndex = 0;
  private lastCheckpointTs = Number.NEGATIVE_INFINITY;
  /** No checkpoint is due and the base cannot move before the newest event time reaches this. */
  private maintainAt = Number.NEGATIVE_INFINITY;

  constructor(program: DeviceProgram<S, F>) {
    // Each window derives three columns after the flags.
    super(program.fields, 3 * program.windows.length);
    const lastUsable: number[] = [];
    let lookbackMs = 0;
    for (const w of program.windows) {
      this.held.push(new HeldWindow(w.windowMs, this.columnOf(w.field), this.flags + 1 + 3 * this.held.length));
      lastUsable.push(-1);
      lookbackMs = Math.max(lookbackMs, w.windowMs);
    }
    this.lookbackMs = lookbackMs;
    this.state = program.start();
    this.checkpoints = [{ index: 0, ts: Number.NEGATIVE_INFINITY, state: program.start(), lastUsable }];
  }

  /** Adds readings of the device; what they caused is appended to `out`, in event-time order. */
  add(samples: SampleBuffer<F>, program: DeviceProgram<S, F>, maxLateMs: number, out: Transition[], counts: TimelineCounts): void {
    const admitted = this.admit(samples, maxLateMs, counts);
    if (admitted.length === 0) return;
    const previousLength = this.length;
    const first = this.insertSorted(admitted.items, admitted.length);
    const from = first === previousLength ? first : this.rewindTo(program, first, maxLateMs);
    // Indexed loops: `for of` wraps the loop in a try/finally that V8 optimizes less well.
    const held = this.held;
    for (let i = from; i < this.length; i++) {
      this.setPlausible(i, program.step(this.state, this, held, i, out));
      for (let n = 0; n < held.length; n++) held[n]!.pass(this, i);
    }
    if (this.newest() >= this.maintainAt || this.length >= this.lastCheckpointIndex + CHECKPOINT_READINGS) {
      this.commit(maxLateMs);
      this.checkpoint(program, maxLateMs);
    }
  }

  /** The samples to judge, sorted: neither too late nor already held (the first of equals wins). */
  private admit(samples: SampleBuffer<F>, maxLateMs: number, counts: TimelineCounts): SampleBuffer<F> {
    const newest = this.newest();
    if (allNew(samples, newest)) return samples;
    const admitted: SampleInput<F>[] = [];
    for (const s of samples.items.slice(0, samples.length).sort(byTs)) {
      if (s.ts < newest - maxLateMs) {
        counts.tooLate += 1;
        continue;
      }
      const held = s.ts <= newest && this.ts(this.lowerBound(s.ts, this.head, this.length)) === s.ts;
      if (held || (admitted.length > 0 && admitted[admitted.length - 1]!.ts === s.ts)) {
        counts.duplicates += 1;
        continue;
      }
      admitted.push(s);
    }
    return { items: admitted, length: admitted.length };
  }

  /** Restores the last checkpoint at or before `index`, dropping the later ones; returns its index. */
  private rewindTo(program: DeviceProgram<S, F>, index: number, maxLateMs: number): number {
    const cps = this.checkpoints;
    // The base is at or before any insertion point, so it stays.
    while (cps[cps.length - 1]!.index > index) cps.pop();
    this.noteCheckpoints(maxLateMs);
    const cp = cps[cps.length - 1]!;
    program.copyInto(this.state, cp.state);
    for (let n = 0; n < this.held.length; n++) this.held[n]!.rewind(this, cp.index, cp.lastUsable[n]!);
    return cp.index;
  }

  /** Takes a checkpoint after the newest reading when the last one is far enough behind. */
  private checkpoint(program: DeviceProgram<S, F>, maxLateMs: number): void {
    const end = this.length;
    const newest = this.newest();
    if (this.lastCheckpointIndex === end) return;
    if (end - this.lastCheckpointIndex < CHECKPOINT_READINGS && newest - this.lastCheckpointTs < maxLateMs / 2) return;
    const cp = this.spare ?? { index: end, ts: newest, state: program.start(), lastUsable: new Array<number>(this.held.length).fill(-1) };
    this.spare = null;
    cp.index = end;
    cp.ts = newest;
    program.copyInto(cp.state, this.state);
    for (let n = 0; n < this.held.length; n++) cp.lastUsable[n] = this.held[n]!.lastUsable;
    this.checkpoints.push(cp);
    this.noteCheckpoints(maxLateMs);
  }

  private noteCheckpoints(maxLateMs: number): void {
    const cps = this.checkpoints;
    const last = cps[cps.length - 1]!;
    this.lastCheckpointIndex = last.index;
    this.lastCheckpointTs = last.ts;
    this.nextBaseTs = cps.length > 1 ? this.ts(cps[1]!.index - 1) : Number.POSITIVE_INFINITY;
    this.maintainAt = Math.min(this.nextBaseTs + maxLateMs, this.lastCheckpointTs + maxLateMs / 2);
  }

  /**
   * Moves the base up to the lateness horizon (a checkpoint is behind it once every reading
   * before it is: no reading can be inserted there any more), and then drops the readings no
   * replay will read again. O(1) per call until the base moves.
   */
  private commit(maxLateMs: number): void {
    const horizon = this.newest() - maxLateMs;
    if (this.nextBaseTs >= horizon) return;
    const cps = this.checkpoints;
    while (cps.length > 1 && this.ts(cps[1]!.index - 1) < horizon) this.spare = cps.shift()!;
    this.noteCheckpoints(maxLateMs);
    const base = cps[0]!.index;
    const keepFrom = Math.min(base < this.length ? this.ts(base) : horizon, horizon) - this.lookbackMs;
    this.head = this.lowerBound(keepFrom, this.head, base);
    if (!this.worthCompacting()) return;
    const shift = this.head;
    for (const w of this.held) w.compacting(this, shift);
    for (const cp of cps) {
      cp.index -= shift;
      for (let n = 0; n < cp.lastUsable.length; n++) cp.lastUsable[n] = Math.max(-1, cp.lastUsable[n]! - shift);
    }
    this.lastCheckpointIndex -= shift;
    this.compact();
  }
}
