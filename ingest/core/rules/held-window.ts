/**
 * The two look-backs of the drop and collapse rules over one field, kept as the ordered pass
 * goes so that a step costs O(1) amortized however many readings the window holds (a room
 * sampling every second holds 3 600 in the 60 min sudden-drop window):
 *
 * - the peak: the highest level two consecutive usable readings both held (the lower of the
 *   pair) within the window before a reading, and when: one glitch cannot become the level
 *   something fell from. A monotonic queue of pairs, by their later reading, levels strictly
 *   falling from front to back: the front is the highest, the newest of equals.
 * - the held level: the reading and the usable one before it within the window have both fallen
 *   to the higher of the two: one glitch cannot fall.
 *
 * Usable: plausible, eligible and reported. The window keeps three derived columns in the
 * history's rows, as offsets (0: none): `prevUsable`, to the usable reading before (the pair a
 * reading closes); and the queue's links, `prevGreater` to the pair before it in the queue (the
 * nearest earlier pair held higher when it joined) and `next` to the one after it. The queue
 * itself is then two indices, and nothing but the rows is touched per reading. Following
 * `prevGreater` from the last pair visits exactly the pairs the queue held there, so a replay
 * after a late reading rebuilds the queue at any earlier reading in O(queue), without rescanning
 * the window.
 *
 * A class for the reason device-history.ts gives.
 */
import type { DeviceHistory } from './device-history.ts';

export class HeldWindow {
  readonly prevGreaterColumn: number;
  readonly nextColumn: number;
  /** The queue's oldest and newest pairs (by their later reading), or -1 when it is empty. */
  front = -1;
  back = -1;
  /** The newest usable reading the pass has stepped, or -1. */
  lastUsable = -1;

  /** `column`: the field's values; `prevUsableColumn` and the two after it: the derived offsets. */
  constructor(
    readonly windowMs: number,
    readonly column: number,
    readonly prevUsableColumn: number,
  ) {
    this.prevGreaterColumn = prevUsableColumn + 1;
    this.nextColumn = prevUsableColumn + 2;
  }

  /** The pair (by its later reading) holding the peak before reading `i`, or -1. */
  peak(h: DeviceHistory<string>, i: number): number {
    const from = h.ts(i) - this.windowMs;
    while (this.front >= 0 && !this.pairWithin(h, this.front, from)) this.popFront(h);
    return this.front;
  }

  /** The level the pair ending at `k` held: the lower of its two readings. */
  pairLevel(h: DeviceHistory<string>, k: number): number {
    return Math.min(h.value(k - h.value(k, this.prevUsableColumn), this.column), h.value(k, this.column));
  }

  /** The level reading `i` and the usable one before it have both fallen to, or NaN. */
  level(h: DeviceHistory<string>, i: number): number {
    const value = h.value(i, this.column);
    const j = this.lastUsable;
    if (Number.isNaN(value) || j < h.head || h.ts(j) < h.ts(i) - this.windowMs) return Number.NaN;
    return Math.max(value, h.value(j, this.column));
  }

  /** Records reading `i` after its step judged it: a usable one closes a pair with the last. */
  pass(h: DeviceHistory<string>, i: number): void {
    const previous = this.lastUsable;
    const usable = h.plausible(i) && h.eligible(i) && !Number.isNaN(h.value(i, this.column));
    const offset = usable && previous >= h.head ? i - previous : 0;
    h.setValue(i, this.prevUsableColumn, offset);
    if (!usable) return;
    this.lastUsable = i;
    if (offset === 0) return;
    const level = this.pairLevel(h, i);
    while (this.back >= 0 && this.pairLevel(h, this.back) <= level) this.popBack(h);
    h.setValue(i, this.prevGreaterColumn, this.back >= 0 ? i - this.back : 0);
    h.setValue(i, this.nextColumn, 0);
    if (this.back >= 0) h.setValue(this.back, this.nextColumn, i - this.back);
    else this.front = i;
    this.back = i;
  }

  /** The window as the ordered pass had it just before reading `at`, whose last usable reading was `lastUsable`. */
  rewind(h: DeviceHistory<string>, at: number, lastUsable: number): void {
    this.front = this.back = -1;
    this.lastUsable = lastUsable;
    // The last usable reading closes the newest pair, if any; the chain runs back from it.
    const from = h.ts(at) - this.windowMs;
    if (lastUsable < h.head || h.value(lastUsable, this.prevUsableColumn) === 0 || !this.pairWithin(h, lastUsable, from)) return;
    this.front = this.back = lastUsable;
    h.setValue(lastUsable, this.nextColumn, 0);
    for (let back = h.value(this.front, this.prevGreaterColumn); back > 0; back = h.value(this.front, this.prevGreaterColumn)) {
      const earlier = this.front - back;
      if (earlier < h.head || !this.pairWithin(h, earlier, from)) break;
      h.setValue(earlier, this.nextColumn, this.front - earlier);
      this.front = earlier;
    }
  }

  /**
   * Before the history moves its readings down by `shift` (its `head`): pairs whose first reading
   * is dropped are out of every window still to come, and indices shift.
   */
  compacting(h: DeviceHistory<string>, shift: number): void {
    while (this.front >= 0 && (this.front < h.head || this.front - h.value(this.front, this.prevUsableColumn) < h.head)) this.popFront(h);
    if (this.front >= 0) {
      this.front -= shift;
      this.back -= shift;
    }
    this.lastUsable = this.lastUsable < h.head ? -1 : this.lastUsable - shift;
  }

  /** Both readings of the pair ending at `k` are held and at or after `from`. */
  private pairWithin(h: DeviceHistory<string>, k: number, from: number): boolean {
    const first = k - h.value(k, this.prevUsableColumn);
    return first >= h.head && h.ts(first) >= from;
  }

  private popFront(h: DeviceHistory<string>): void {
    if (this.front === this.back) this.front = this.back = -1;
    else this.front += h.value(this.front, this.nextColumn);
  }

  private popBack(h: DeviceHistory<string>): void {
    if (this.front === this.back) this.front = this.back = -1;
    else this.back -= h.value(this.back, this.prevGreaterColumn);
  }
}
