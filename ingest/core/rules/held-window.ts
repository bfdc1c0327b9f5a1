/**
 * The two look-backs of the drop and collapse rules over one field, kept as the ordered pass
 * goes so that a step costs O(1) amortized however many readings the window holds (a room
 * sampling every second holds 3 600 in the 60 min sudden-drop window):
 *
 * - the peak: the highest level two consecutive usable readings both held (the lower of the
 *   pair) within the window before a reading, and when: one glitch cannot become the level
 *   something fell from. A monotonic queue of pairs, by their later reading, levels strictly
 *   falling from the front: the front is the highest, the newest of equals.
 * - the held level: the reading and the usable one before it within the window have both fallen
 *   to the higher of the two: one glitch cannot fall.
 *
 * Usable: plausible, eligible and reported. Each usable reading also records, in two derived
 * columns of the history, `prevUsable` (the offset to the usable reading before it, i.e. the
 * pair it closes) and `prevGreater` (the offset to the queue's last pair when it joined: the
 * nearest earlier pair held higher). Following `prevGreater` from the last pair visits exactly
 * the pairs the queue held there, so a replay after a late reading rebuilds the queue at any
 * earlier reading in O(queue), without rescanning the window.
 *
 * A class for the reason device-history.ts gives.
 */
import type { DeviceHistory } from './device-history.ts';

export class HeldWindow {
  readonly prevGreaterColumn: number;
  /** Candidate peaks in `queue[queueHead, queueEnd)`; the array never shrinks (device-history.ts says why). */
  readonly queue: number[] = [];
  queueHead = 0;
  queueEnd = 0;
  /** The newest usable reading the pass has stepped, or -1. */
  lastUsable = -1;

  /** `column`: the field's values; `prevUsableColumn` and the one after it: the derived offsets (0: none). */
  constructor(
    readonly windowMs: number,
    readonly column: number,
    readonly prevUsableColumn: number,
  ) {
    this.prevGreaterColumn = prevUsableColumn + 1;
  }

  /** The pair (by its later reading) holding the peak before reading `i`, or -1. */
  peak(h: DeviceHistory<string>, i: number): number {
    const from = h.ts(i) - this.windowMs;
    while (this.queueHead < this.queueEnd && !this.pairWithin(h, this.queue[this.queueHead]!, from)) this.queueHead += 1;
    return this.queueHead < this.queueEnd ? this.queue[this.queueHead]! : -1;
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
    while (this.queueEnd > this.queueHead && this.pairLevel(h, this.queue[this.queueEnd - 1]!) <= level) this.queueEnd -= 1;
    h.setValue(i, this.prevGreaterColumn, this.queueEnd > this.queueHead ? i - this.queue[this.queueEnd - 1]! : 0);
    this.enqueue(i);
  }

  /** The window as the ordered pass had it just before reading `at`, whose last usable reading was `lastUsable`. */
  rewind(h: DeviceHistory<string>, at: number, lastUsable: number): void {
    this.queueHead = this.queueEnd = 0;
    this.lastUsable = lastUsable;
    if (lastUsable < h.head) return;
    // The chain runs newest first: collected, then reversed in place.
    const from = h.ts(at) - this.windowMs;
    for (let k = lastUsable; k >= h.head && h.value(k, this.prevUsableColumn) > 0 && this.pairWithin(h, k, from); ) {
      this.enqueue(k);
      const back = h.value(k, this.prevGreaterColumn);
      if (back === 0) break;
      k -= back;
    }
    const q = this.queue;
    for (let a = 0, b = this.queueEnd - 1; a < b; a++, b--) {
      const k = q[a]!;
      q[a] = q[b]!;
      q[b] = k;
    }
  }

  /** Follows the history's compaction: indices shift down by `shift`; what pointed before it points nowhere. */
  shift(h: DeviceHistory<string>, shift: number): void {
    const q = this.queue;
    let end = 0;
    for (let n = this.queueHead; n < this.queueEnd; n++) {
      const k = q[n]! - shift;
      // A pair whose first reading was dropped is out of every window still to come.
      if (k >= 0 && k - h.value(k, this.prevUsableColumn) >= 0) q[end++] = k;
    }
    this.queueHead = 0;
    this.queueEnd = end;
    this.lastUsable = Math.max(-1, this.lastUsable - shift);
  }

  /** Both readings of the pair ending at `k` are held and at or after `from`. */
  private pairWithin(h: DeviceHistory<string>, k: number, from: number): boolean {
    const first = k - h.value(k, this.prevUsableColumn);
    return first >= h.head && h.ts(first) >= from;
  }

  private enqueue(k: number): void {
    const q = this.queue;
    if (this.queueHead === this.queueEnd) this.queueHead = this.queueEnd = 0;
    else if (this.queueHead >= 64 && 2 * this.queueHead >= this.queueEnd) {
      for (let n = this.queueHead; n < this.queueEnd; n++) q[n - this.queueHead] = q[n]!;
      this.queueEnd -= this.queueHead;
      this.queueHead = 0;
    }
    if (this.queueEnd < q.length) q[this.queueEnd] = k;
    else q.push(k);
    this.queueEnd += 1;
  }
}
