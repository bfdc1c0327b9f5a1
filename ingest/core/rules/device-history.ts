/**
 * A device's recent readings, sorted by event time, as rows of one flat number array: per
 * reading `stride` numbers, its event time, one number per field (NaN: not reported), its flags,
 * then the columns its held windows derive (held-window.ts). A plain number array holds unboxed
 * doubles, a few bytes per value instead of an object per reading; and one array per device
 * rather than one per column means a reading touches one place in memory, which at 100 000
 * devices is most of what it costs.
 *
 * Readings [head, length) are live. Dropping old readings moves `head`; the rows are moved to
 * the front only once the dropped part is as long as the live one, and the array never shrinks:
 * a device in a steady state allocates nothing (a grown or trimmed array is garbage that outlives
 * the young generation).
 *
 * A class, not free functions: its accessors run several times per reading, and V8 inlines a
 * method whatever the module format (under tsx, an imported function is reached through a getter
 * and is not inlined).
 */
import type { SampleInput } from './rule-transition.ts';

const ELIGIBLE = 1;
const PLAUSIBLE = 2;
/** Room for this many readings from the start: enough for a device reporting every 15 min. */
const INITIAL_READINGS = 32;

export class DeviceHistory<F extends string> {
  readonly stride: number;
  /** The column of the flags; the value columns are 1 … fields.length, the derived ones follow the flags. */
  readonly flags: number;
  readonly rows: number[];
  /** Readings before `head` are dropped: no step reads them any more. */
  head = 0;
  length = 0;

  /** `derived`: the number of columns after the flags, for the held windows. */
  constructor(
    readonly fields: readonly F[],
    derived: number,
  ) {
    this.flags = fields.length + 1;
    this.stride = fields.length + 2 + derived;
    // NaN makes it an array of doubles from the start.
    this.rows = new Array<number>(INITIAL_READINGS * this.stride).fill(Number.NaN);
  }

  columnOf(field: F): number {
    return this.fields.indexOf(field) + 1;
  }

  ts(i: number): number {
    return this.rows[i * this.stride]!;
  }

  /** The newest event time held (the newest reading is never dropped). */
  newest(): number {
    return this.length > this.head ? this.ts(this.length - 1) : Number.NEGATIVE_INFINITY;
  }

  value(i: number, column: number): number {
    return this.rows[i * this.stride + column]!;
  }

  setValue(i: number, column: number, value: number): void {
    this.rows[i * this.stride + column] = value;
  }

  /** Not in a planned outage and, for rooms, in the heating season. */
  eligible(i: number): boolean {
    return (this.value(i, this.flags) & ELIGIBLE) !== 0;
  }

  /** Set by the ordered pass: false when the rate check refused it; then no rule sees it. */
  plausible(i: number): boolean {
    return (this.value(i, this.flags) & PLAUSIBLE) !== 0;
  }

  setPlausible(i: number, plausible: boolean): void {
    this.setValue(i, this.flags, (this.value(i, this.flags) & ELIGIBLE) | (plausible ? PLAUSIBLE : 0));
  }

  /** Index of the first reading in [from, to) with ts >= `at` (`to` when none). */
  lowerBound(at: number, from: number, to: number): number {
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts(mid) < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Adds `samples[0, count)` (sorted by event time, none already held) and returns the index of
   * the first of them. Newer than everything held, they are appended; otherwise they are merged
   * in from the back in one pass, so a batch of late readings moves the newer ones once:
   * O(samples + readings after the first sample). The ordered pass that must follow sets the
   * plausibility and the derived columns from the returned index on.
   */
  insertSorted(samples: readonly SampleInput<F>[], count: number): number {
    const oldLength = this.length;
    this.length += count;
    while (this.rows.length < this.length * this.stride) this.rows.push(Number.NaN);
    if (oldLength === this.head || this.ts(oldLength - 1) < samples[0]!.ts) {
      for (let j = 0; j < count; j++) this.put(oldLength + j, samples[j]!);
      return oldLength;
    }
    let read = oldLength - 1;
    let write = this.length - 1;
    for (let j = count - 1; j >= 0; write--) {
      if (read >= this.head && this.ts(read) > samples[j]!.ts) this.move(read--, write);
      else this.put(write, samples[j--]!);
    }
    return write + 1;
  }

  /**
   * As many readings dropped as live (and at least 16): moving the live ones down is then O(1)
   * amortized per reading, and the array stays about twice the live readings.
   */
  worthCompacting(): boolean {
    return this.head >= 16 && 2 * this.head >= this.length;
  }

  /** Moves the live readings to the front: indices shift down by the old `head`. */
  compact(): void {
    const n = (this.length - this.head) * this.stride;
    for (let k = 0; k < n; k++) this.rows[k] = this.rows[k + this.head * this.stride]!;
    this.length -= this.head;
    this.head = 0;
  }

  private put(i: number, s: SampleInput<F>): void {
    const at = i * this.stride;
    this.rows[at] = s.ts;
    for (let c = 0; c < this.fields.length; c++) this.rows[at + 1 + c] = s.values[this.fields[c]!] ?? Number.NaN;
    this.rows[at + this.flags] = s.eligible ? ELIGIBLE : 0;
  }

  private move(from: number, to: number): void {
    for (let c = 0; c < this.stride; c++) this.rows[to * this.stride + c] = this.rows[from * this.stride + c]!;
  }
}
